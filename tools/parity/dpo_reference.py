#!/usr/bin/env python3
"""RewardBench's DPO input rules (rewardbench/dpo.py DPOInference, TRL-derived), written out in plain
Python so that they can be read, tested without torch, and reused by make_dpo_fixtures.py.

`encode(text)` is any function returning `tokenizer(text, add_special_tokens=False)["input_ids"]`.

  completion strings   text_chosen.replace(prompt, "") (every occurrence, not only the leading one)
  build_tokenized_answer(prompt, answer)
                       full = enc(prompt + answer), p = enc(prompt); the answer is full[len(p):], and
                       the split moves one token left when p is not a prefix of full (a BPE merge
                       across the boundary)
  tokenize_row         BOS prepended to every prompt (even if the template emitted one), EOS appended
                       to every answer; when prompt + longer answer > max_length the prompt keeps its
                       last max_prompt_length tokens, and if still too long each answer keeps its
                       first max_length - max_prompt_length tokens; labels = ids with the prompt
                       positions set to -100
  collate              right padding to one length over chosen + rejected (pad id, label -100, mask 0)
  reduce               sum / mean / -L2 norm of the log-probs at label positions (after the shift)

Self-test (no torch needed): python3 dpo_reference.py --self-test
"""
import math
import sys

LABEL_PAD = -100


def remove_prompt(text, prompt):
    """The reference's text.replace(prompt, ""): Python removes every occurrence."""
    return text.replace(prompt, "")


def build_tokenized_answer(encode, prompt, answer):
    full = list(encode(prompt + answer))
    prompt_ids = list(encode(prompt))
    if len(prompt_ids) > len(full):
        raise ValueError("Prompt input ids and answer input ids should have the same length.")
    start = len(prompt_ids)
    if prompt_ids != full[:start]:
        start -= 1
    return {"prompt_input_ids": full[:start], "input_ids": full[start:], "boundary_fix": start != len(prompt_ids)}


def tokenize_row(encode, bos_id, eos_id, prompt, text_chosen, text_rejected, max_length=2048, max_prompt_length=128):
    """Returns {"chosen": {...}, "rejected": {...}} with input_ids, labels, prompt_length and flags."""
    chosen = build_tokenized_answer(encode, prompt, remove_prompt(text_chosen, prompt))
    rejected = build_tokenized_answer(encode, prompt, remove_prompt(text_rejected, prompt))
    prompt_only = {"prompt_input_ids": list(encode(prompt))}
    for tokens in (chosen, rejected, prompt_only):
        tokens["prompt_input_ids"] = [bos_id] + tokens["prompt_input_ids"]
    for tokens in (chosen, rejected):
        tokens["input_ids"] = tokens["input_ids"] + [eos_id]
    longer = max(len(chosen["input_ids"]), len(rejected["input_ids"]))
    for tokens in (chosen, rejected, prompt_only):  # keep_end prompt truncation
        tokens["prompt_truncated"] = len(tokens["prompt_input_ids"]) + longer > max_length
        if tokens["prompt_truncated"]:
            tokens["prompt_input_ids"] = tokens["prompt_input_ids"][-max_prompt_length:]
    for tokens in (chosen, rejected):
        tokens["answer_truncated"] = len(tokens["prompt_input_ids"]) + longer > max_length
        if tokens["answer_truncated"]:
            tokens["input_ids"] = tokens["input_ids"][: max_length - max_prompt_length]
    out = {}
    for side, tokens in (("chosen", chosen), ("rejected", rejected)):
        ids = tokens["prompt_input_ids"] + tokens["input_ids"]
        prompt_length = len(tokens["prompt_input_ids"])
        out[side] = {"input_ids": ids, "labels": [LABEL_PAD] * prompt_length + ids[prompt_length:],
                     "prompt_length": prompt_length, "boundary_fix": tokens["boundary_fix"],
                     "prompt_truncated": tokens["prompt_truncated"], "answer_truncated": tokens["answer_truncated"]}
    return out


def collate(rows, pad_id):
    """DPODataCollatorWithPadding + concatenated_inputs: chosen rows then rejected rows, right-padded to
    the longest of all. Returns (input_ids, attention_mask, labels) as lists of lists."""
    sequences = [r["chosen"] for r in rows] + [r["rejected"] for r in rows]
    width = max(len(s["input_ids"]) for s in sequences)
    input_ids, mask, labels = [], [], []
    for s in sequences:
        pad = width - len(s["input_ids"])
        input_ids.append(s["input_ids"] + [pad_id] * pad)
        mask.append([1] * len(s["input_ids"]) + [0] * pad)
        labels.append(s["labels"] + [LABEL_PAD] * pad)
    return input_ids, mask, labels


def answer_positions(labels_row):
    """Indices t of the shifted row (logits[t] predicts labels[t + 1]) that count."""
    return [t for t in range(len(labels_row) - 1) if labels_row[t + 1] != LABEL_PAD]


def reduce_log_probs(values):
    """(sum, mean, -L2 norm) in float64 of one sequence's answer log-probs."""
    total = math.fsum(values)
    return total, total / len(values), -math.sqrt(math.fsum(v * v for v in values))


def _self_test():
    # A toy tokenizer with a merge across the boundary: "ab" is one token when adjacent.
    vocab = {"ab": 1, "a": 2, "b": 3, "c": 4, " ": 5, "<s>": 6}

    def encode(text):
        ids, i = [], 0
        while i < len(text):
            if text.startswith("<s>", i):
                ids.append(6)
                i += 3
            elif text.startswith("ab", i):
                ids.append(1)
                i += 2
            else:
                ids.append(vocab[text[i]])
                i += 1
        return ids

    split = build_tokenized_answer(encode, "ca", "bc")  # "cabc" -> c ab c; prompt "ca" -> c a
    assert split == {"prompt_input_ids": [4], "input_ids": [1, 4], "boundary_fix": True}, split
    split = build_tokenized_answer(encode, "cc", "ab")
    assert split == {"prompt_input_ids": [4, 4], "input_ids": [1], "boundary_fix": False}, split
    assert remove_prompt("<s>c<s>c", "<s>c") == ""
    row = tokenize_row(encode, 6, 9, "<s>c", "<s>cab", "<s>cc")
    assert row["chosen"]["input_ids"] == [6, 6, 4, 1, 9] and row["chosen"]["prompt_length"] == 3, row
    assert row["rejected"]["labels"] == [-100, -100, -100, 4, 9], row
    # truncation: prompt of 10, answers of 6 and 3 (+EOS) with max_length 12, max_prompt_length 4
    row = tokenize_row(encode, 6, 9, "c" * 10, "c" * 10 + "a" * 6, "c" * 10 + "b" * 3, 12, 4)
    assert row["chosen"]["prompt_length"] == 4 and row["chosen"]["input_ids"] == [4] * 4 + [2] * 6 + [9], row
    assert row["rejected"]["input_ids"] == [4] * 4 + [3] * 3 + [9], row
    row = tokenize_row(encode, 6, 9, "c" * 10, "c" * 10 + "a" * 12, "c" * 10 + "b", 12, 4)
    assert row["chosen"]["input_ids"] == [4] * 4 + [2] * 8 and row["chosen"]["answer_truncated"], row
    ids, mask, labels = collate([row], 0)
    assert len(ids[1]) == 12 and mask[1][-1] == 0 and labels[1][6:] == [-100] * 6, (ids, mask, labels)
    assert answer_positions([-100, -100, 5, 6, -100]) == [1, 2]
    total, mean, norm = reduce_log_probs([-3.0, -4.0])
    assert (total, mean, norm) == (-7.0, -3.5, -5.0)
    print("dpo_reference self-test passed")


if __name__ == "__main__":
    if sys.argv[1:] == ["--self-test"]:
        _self_test()
    else:
        sys.exit(__doc__)
