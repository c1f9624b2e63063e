#!/usr/bin/env python3
"""Makes the GPT-2 and GPT-NeoX parity fixtures under tests/fixtures/parity/{gpt2,gpt_neox,gpt_neox_rm}/:
tiny random-weight models scored by the real transformers exactly as RewardBench's scripts/run_rm.py
scores them (make_fixtures.py's functions: chat template, tokenizer(texts, truncation=True, max_length,
padding=True) with left truncation, pad := eos when the tokenizer has none, logits at the rightmost
non-pad token), plus per-token log-probabilities of the same networks as causal LMs.

All three use the real GPT-NeoX-20B tokenizer (../shared/data/tokenizers/gpt-neox-20b.tokenizer.json,
passed by --neox-tokenizer; the GPT-2 fixture reuses its ids with a vocabulary that covers them), which
has no pad token, so run_rm's pad := eos rule applies. Neither family ships a chat template, so
fixture.json's overlay carries a small one of ours that ends each assistant turn with the eos token:
the rightmost-non-pad rule then pools before it, while the OpenAssistant model pools on it.

- gpt2:        GPT2ForSequenceClassification (+ GPT2LMHeadModel, lm_head tied to wte) in one folder.
- gpt_neox:    GPTNeoXForSequenceClassification (+ GPTNeoXForCausalLM: embed_out) in one folder,
               parallel residual, partial rotary.
- gpt_neox_rm: the OpenAssistant GPTNeoXRewardModel (out_proj with bias, "last" pooling = the last
               attended token), sequential residual, another rotary fraction.

Outputs per fixture: config.json, model.safetensors (bf16), fixture.json, golden.json with every text's
token ids (so model-level tests need no tokenizer), fp32 CPU scores and, when a GPU is present, bf16
CUDA scores; golden.json's "causal_lm" holds log-probs of the first 20 texts (first 256 tokens).

Runs on the GPU machine (torch + transformers, no network), from the repository root:
  python3 tools/parity/build_pairs.py ../shared .cache/device/pairs.jsonl
  python3 tools/parity/make_gpt_fixtures.py --pairs-jsonl .cache/device/pairs.jsonl \
      --neox-tokenizer .cache/device/gpt-neox-20b.tokenizer.json --out tests/fixtures/parity
"""
import argparse
import json
import os
import shutil
import sys
import tempfile
import types

import torch
import transformers
from safetensors.torch import save_file
from torch import nn
from transformers import (
    AutoConfig,
    AutoModelForCausalLM,
    AutoModelForSequenceClassification,
    GPTNeoXConfig,
    GPTNeoXModel,
    GPTNeoXPreTrainedModel,
)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from assemble_fixture import assemble  # noqa: E402
from make_fixtures import (  # noqa: E402
    apply_run_rm_pad_rule,
    build_texts,
    ids_sha1,
    load_tokenizer,
    score_like_run_rm,
    sha1,
)

# Ours: user/assistant turns, eos after each assistant turn (as many RM training formats do).
CHAT_TEMPLATE = ("{% for message in messages %}{{ '<|' + message['role'] + '|>\\n' + message['content'] + '\\n' }}"
                 "{% if message['role'] == 'assistant' %}{{ eos_token }}{% endif %}{% endfor %}")

# What a Pythia tokenizer_config.json says, as a plain fast tokenizer over tokenizer.json (so that
# transformers changes nothing in the post-processor), without token_type_ids (GPT-2 would embed them).
NEOX_TOKENIZER_CONFIG = {
    "tokenizer_class": "PreTrainedTokenizerFast",
    "bos_token": "<|endoftext|>", "eos_token": "<|endoftext|>", "unk_token": "<|endoftext|>",
    "model_max_length": 2048,
    "model_input_names": ["input_ids", "attention_mask"],
}

VOCAB = 50304  # Pythia's padded vocabulary: covers every id of the NeoX tokenizer (< 50281)
LABEL = {"id2label": {"0": "LABEL_0"}, "label2id": {"LABEL_0": 0}, "torch_dtype": "bfloat16",
         "bos_token_id": 0, "eos_token_id": 0, "pad_token_id": None, "vocab_size": VOCAB}

FIXTURES = [
    {   # GPT-2: learned positions, Conv1D weights, gelu_new, tied LM head. Sized so the folder stays < 6 MB.
        "name": "gpt2", "max_length": 2048, "batch_size": 8, "lm_class": "GPT2LMHeadModel",
        "config": dict(LABEL, architectures=["GPT2ForSequenceClassification", "GPT2LMHeadModel"],
                       model_type="gpt2", n_embd=32, n_layer=2, n_head=4, n_inner=64, n_positions=2048,
                       activation_function="gelu_new", layer_norm_epsilon=1e-5, scale_attn_weights=True,
                       scale_attn_by_inverse_layer_idx=False, reorder_and_upcast_attn=False,
                       tie_word_embeddings=True),
    },
    {   # Pythia-style GPT-NeoX (its config keys: rotary_pct, rotary_emb_base): parallel residual, rotary on a
        # quarter of each head, biases, separate embed_out.
        "name": "gpt_neox", "max_length": 2048, "batch_size": 8, "lm_class": "GPTNeoXForCausalLM",
        "config": dict(LABEL, architectures=["GPTNeoXForSequenceClassification", "GPTNeoXForCausalLM"],
                       model_type="gpt_neox", hidden_size=16, num_hidden_layers=2, num_attention_heads=2,
                       intermediate_size=64, hidden_act="gelu", rotary_pct=0.25, rotary_emb_base=10000,
                       max_position_embeddings=2048, layer_norm_eps=1e-5, use_parallel_residual=True,
                       attention_bias=True, tie_word_embeddings=False),
    },
    {   # OpenAssistant reward model (Pythia-based, same config keys): sequential residual, half rotary with
        # another base, out_proj with bias, last pooling.
        "name": "gpt_neox_rm", "max_length": 2048, "batch_size": 8, "lm_class": None,
        "config": dict(LABEL, architectures=["GPTNeoXRewardModel"], model_type="gpt_neox_reward_model",
                       hidden_size=16, num_hidden_layers=2, num_attention_heads=2, intermediate_size=64,
                       hidden_act="gelu", rotary_pct=0.5, rotary_emb_base=20000, max_position_embeddings=2048,
                       layer_norm_eps=1e-5, use_parallel_residual=False, attention_bias=True,
                       tie_word_embeddings=False, pooling="last"),
    },
]

LM_SEQUENCES = 20
LM_TOKENS = 256


class OpenAssistantRewardConfig(GPTNeoXConfig):
    """config.json's model_type "gpt_neox_reward_model" (extra field: pooling), as the reference registers it."""
    model_type = "gpt_neox_reward_model"


AutoConfig.register("gpt_neox_reward_model", OpenAssistantRewardConfig)


class OpenAssistantRewardModel(GPTNeoXPreTrainedModel):
    """Our statement of OpenAssistant's GPTNeoXRewardModel (rewardbench/models/openassistant.py): the
    GPT-NeoX trunk, out_proj = Linear(hidden, 1) with bias, applied at the last attended position
    (attention_mask.cumsum(1).argmax(1)), in the model dtype."""
    config_class = OpenAssistantRewardConfig

    def __init__(self, config):
        super().__init__(config)
        self.gpt_neox = GPTNeoXModel(config)
        self.out_proj = nn.Linear(config.hidden_size, 1)
        self.post_init()

    def forward(self, input_ids, attention_mask):
        hidden = self.gpt_neox(input_ids, attention_mask=attention_mask).last_hidden_state
        last = attention_mask.cumsum(dim=1).argmax(dim=1)
        pooled = hidden[torch.arange(hidden.shape[0], device=hidden.device), last]
        return types.SimpleNamespace(logits=self.out_proj(pooled))


def load_classifier(spec, folder, dtype):
    if spec["name"] == "gpt_neox_rm":
        return OpenAssistantRewardModel.from_pretrained(folder, dtype=dtype)
    return AutoModelForSequenceClassification.from_pretrained(folder, dtype=dtype)


def layer_norm_names(model):
    names = set()
    for module_name, module in model.named_modules():
        if isinstance(module, nn.LayerNorm):
            names.update({module_name + ".weight", module_name + ".bias"})
    return names


def conv1d_names(model):
    return {name + ".weight" for name, module in model.named_modules()
            if type(module).__name__ == "Conv1D"}


def random_weights(model, seed, extra_shapes):
    """Random bf16 weights with sensible scales: LayerNorm gains near 1, fan-in scaled projections
    (Conv1D stores [in, out], Linear [out, in]), unit-scale embeddings; `extra_shapes` adds tensors
    that another class of the same network reads (the causal-LM head)."""
    gen = torch.Generator().manual_seed(seed)
    norms, convs = layer_norm_names(model), conv1d_names(model)
    shapes = {name: tuple(p.shape) for name, p in model.state_dict().items()}
    shapes.update(extra_shapes)
    tensors = {}
    for name, shape in sorted(shapes.items()):
        if name in norms:
            value = (1.0 + 0.2 * torch.randn(shape, generator=gen)) if name.endswith("weight") \
                else 0.2 * torch.randn(shape, generator=gen)
        elif name.endswith(".bias"):
            value = 0.3 * torch.randn(shape, generator=gen)
        elif "wte" in name or "wpe" in name or "embed_in" in name:
            value = torch.randn(shape, generator=gen) * (0.5 if "wpe" in name else 1.0)
        else:
            fan_in = shape[0] if name in convs else shape[-1]
            value = torch.randn(shape, generator=gen) / fan_in ** 0.5
        tensors[name] = value.to(torch.bfloat16).contiguous()
    return tensors


def prepare_tokenizer_dir(neox_tokenizer, work):
    tok_dir = os.path.join(work, "neox_tokenizer")
    os.makedirs(tok_dir, exist_ok=True)
    shutil.copyfile(neox_tokenizer, os.path.join(tok_dir, "tokenizer.json"))
    with open(os.path.join(tok_dir, "tokenizer_config.json"), "w") as f:
        json.dump(NEOX_TOKENIZER_CONFIG, f, indent=2)
    return tok_dir


def lm_log_probs(model, sequences, device):
    """transformers' way: logits in the model dtype, widened to float32, log_softmax, next token."""
    rows = []
    for ids in sequences:
        input_ids = torch.tensor([ids], device=device)
        with torch.no_grad():
            logits = model(input_ids=input_ids, attention_mask=torch.ones_like(input_ids)).logits
        log_probs = logits[0, :-1].float().log_softmax(-1)
        rows.append(log_probs.gather(-1, input_ids[0, 1:].unsqueeze(-1)).squeeze(-1).cpu().tolist())
    return rows


def effective_config(config):
    """The values transformers actually used, so a C++ config-parsing difference shows up by name."""
    keys = ["rotary_pct", "partial_rotary_factor", "rotary_emb_base", "rope_theta", "rope_parameters",
            "use_parallel_residual", "attention_bias", "layer_norm_eps", "layer_norm_epsilon", "hidden_act",
            "activation_function", "scale_attn_weights", "scale_attn_by_inverse_layer_idx",
            "reorder_and_upcast_attn", "n_inner", "tie_word_embeddings", "pooling", "_attn_implementation"]
    values = {}
    for key in keys:
        if hasattr(config, key):
            value = getattr(config, key)
            values[key] = value if isinstance(value, (int, float, str, bool, dict, type(None))) else str(value)
    return values


def runs():
    table = {"fp32_cpu": (torch.float32, "cpu")}
    if torch.cuda.is_available():
        table["bf16_cuda"] = (torch.bfloat16, "cuda")
    return table


def make_fixture(spec, args, rows, pairs_sha1, out_root):
    out_dir = os.path.join(out_root, spec["name"])
    os.makedirs(out_dir, exist_ok=True)
    overlay = {"tokenizer_config": {"chat_template": CHAT_TEMPLATE}}
    fixture = {"name": spec["name"], "tokenizer_file": "../shared/data/tokenizers/gpt-neox-20b.tokenizer.json",
               "tokenizer_config": NEOX_TOKENIZER_CONFIG, "overlay": overlay, "max_length": spec["max_length"],
               "batch_size": spec["batch_size"],
               "pairs": {"recipe": "tools/parity/build_pairs.py", "count": len(rows), "sha1": pairs_sha1}}
    with open(os.path.join(out_dir, "fixture.json"), "w") as f:
        json.dump(fixture, f, indent=2)
    with open(os.path.join(out_dir, "config.json"), "w") as f:
        json.dump(spec["config"], f, indent=2)

    work = tempfile.mkdtemp()
    tok_dir = prepare_tokenizer_dir(args.neox_tokenizer, work)
    model_dir = os.path.join(work, "model")
    assemble(out_dir, tok_dir, model_dir)
    tokenizer = load_tokenizer(model_dir)
    tokenizer.model_input_names = ["input_ids", "attention_mask"]
    texts = []
    for row in rows:
        texts.extend(build_texts(tokenizer, row))
    encodings = [tokenizer(t, truncation=True, max_length=spec["max_length"])["input_ids"] for t in texts]
    assert max(max(ids) for ids in encodings) < VOCAB

    if spec["name"] == "gpt_neox_rm":
        model = OpenAssistantRewardModel(OpenAssistantRewardConfig.from_pretrained(model_dir))
    else:
        model = AutoModelForSequenceClassification.from_config(AutoConfig.from_pretrained(model_dir))
    extra = {"embed_out.weight": (VOCAB, spec["config"].get("hidden_size", 0))} if spec["name"] == "gpt_neox" else {}
    save_file(random_weights(model, 4321, extra), os.path.join(out_dir, "model.safetensors"), metadata={"format": "pt"})
    shutil.copyfile(os.path.join(out_dir, "model.safetensors"), os.path.join(model_dir, "model.safetensors"))

    golden = {"fixture": spec["name"], "transformers": transformers.__version__, "torch": torch.__version__,
              "pad_token_id_used": tokenizer.pad_token_id, "padding_side": tokenizer.padding_side,
              "pooling": "last_attended" if spec["name"] == "gpt_neox_rm" else "rightmost_non_pad",
              "examples": []}
    all_scores = {}
    for run_name, (dtype, device) in runs().items():
        model = load_classifier(spec, model_dir, dtype).to(device).eval()
        apply_run_rm_pad_rule(model, tokenizer)
        golden.setdefault("config_pad_token_id", model.config.pad_token_id)
        golden.setdefault("effective_config", effective_config(model.config))
        all_scores[run_name] = score_like_run_rm(model, tokenizer, texts, spec["max_length"], spec["batch_size"],
                                                 device)
    for k, row in enumerate(rows):
        entry = {"id": row["id"], "subset": row["subset"]}
        for side, j in (("chosen", 2 * k), ("rejected", 2 * k + 1)):
            entry["text_" + side + "_sha1"] = sha1(texts[j])
            entry["ids_" + side + "_len"] = len(encodings[j])
            entry["ids_" + side + "_sha1"] = ids_sha1(encodings[j])
            entry["ids_" + side] = encodings[j]
            for run_name, scores in all_scores.items():
                entry["score_" + side + "_" + run_name] = scores[j]
        golden["examples"].append(entry)
    golden["first_texts"] = texts[:2]
    golden["first_ids"] = encodings[:2]

    if spec["lm_class"]:
        sequences = [ids[:LM_TOKENS] for ids in encodings[:LM_SEQUENCES]]
        lm = {"class": spec["lm_class"], "sequences": [{"ids": ids} for ids in sequences]}
        for run_name, (dtype, device) in runs().items():
            model = AutoModelForCausalLM.from_pretrained(model_dir, dtype=dtype).to(device).eval()
            for entry, values in zip(lm["sequences"], lm_log_probs(model, sequences, device)):
                entry["log_probs_" + run_name] = values
        golden["causal_lm"] = lm

    with open(os.path.join(out_dir, "golden.json"), "w") as f:
        json.dump(golden, f, ensure_ascii=False, separators=(",", ":"))
    decisions = sum(e["score_chosen_fp32_cpu"] > e["score_rejected_fp32_cpu"] for e in golden["examples"])
    print(f"{spec['name']}: {len(rows)} pairs, chosen wins {decisions}, "
          f"mean ids {sum(map(len, encodings)) / len(encodings):.0f}", flush=True)
    shutil.rmtree(work, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--pairs-jsonl", required=True, help="output of build_pairs.py")
    parser.add_argument("--neox-tokenizer", required=True, help="gpt-neox-20b.tokenizer.json")
    parser.add_argument("--out", required=True)
    parser.add_argument("--only", nargs="*")
    args = parser.parse_args()
    torch.backends.cuda.matmul.allow_tf32 = False
    with open(args.pairs_jsonl, "rb") as f:
        data = f.read()
    rows = [json.loads(line) for line in data.decode("utf-8").splitlines() if line.strip()]
    for spec in FIXTURES:
        if not args.only or spec["name"] in args.only:
            make_fixture(spec, args, rows, sha1(data), args.out)


if __name__ == "__main__":
    main()
