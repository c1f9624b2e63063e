#!/usr/bin/env python3
"""Which kernels reproduce transformers' bf16 sequence-classifier scores bit for bit?

A diagnostic for the GPU machine. It builds a Llama-3.1-8B-shaped LlamaForSequenceClassification with
fewer layers and random bf16 weights, scores batches of random-token sequences the way RewardBench's
run_rm.py does (right padding, the doubled-BOS attention-mask rule, SDPA), and then recomputes the
same scores from packed rows (no padding) the way rewardbench does, with torch ops only, in several
variants of the three places where packed and padded computation can differ:
  - attention: per-sequence varlen flash (what rewardbench did), varlen memory-efficient, or SDPA on
    padded groups laid out by position id (slot = position, as transformers lays them out);
  - the last layer: for every row, or only for the pooled rows;
  - the score head: on every row, or only on the pooled rows.
For each variant it prints how many scores are bitwise identical to transformers', and, layer by
layer, the fraction of hidden-state elements that are identical.

usage: bf16_exactness.py [--layers N] [--sequences N] [--no-double-bos]
"""
import argparse
import json
import statistics
import time

import torch
import torch.nn.functional as F
from transformers import LlamaConfig, LlamaForSequenceClassification

BOS, PAD = 128000, 128009


def make_model(layers):
    config = LlamaConfig(hidden_size=4096, intermediate_size=14336, num_hidden_layers=layers,
                         num_attention_heads=32, num_key_value_heads=8, head_dim=128, rms_norm_eps=1e-5,
                         rope_theta=500000.0, max_position_embeddings=131072,
                         rope_scaling={"factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0,
                                       "original_max_position_embeddings": 8192, "rope_type": "llama3"},
                         vocab_size=128256, bos_token_id=BOS, eos_token_id=PAD, pad_token_id=PAD, num_labels=1)
    config._attn_implementation = "sdpa"
    torch.manual_seed(0)
    with torch.device("cuda"):
        model = LlamaForSequenceClassification(config).to(torch.bfloat16).eval()
    gen = torch.Generator(device="cuda").manual_seed(0)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("norm.weight"):
                p.copy_(1.0 + 0.1 * torch.randn(p.shape, generator=gen, device="cuda"))
            else:
                p.copy_(torch.randn(p.shape, generator=gen, device="cuda") / p.shape[-1] ** 0.5)
    return model


def make_sequences(count, double_bos, seed=1):
    gen = torch.Generator().manual_seed(seed)
    seqs = []
    for _ in range(count):
        length = int(torch.randint(20, 2048, (1,), generator=gen)) if torch.rand(1, generator=gen) < 0.3 else \
            int(torch.randint(20, 600, (1,), generator=gen))
        body = torch.randint(0, 128000, (length,), generator=gen).tolist()
        seqs.append(([BOS, BOS] if double_bos else [BOS]) + body)
    return seqs


def reference(model, seqs, batch_size, hooks):
    """run_rm.py: right padding with pad, first of two BOS masked; returns scores, hidden states per
    layer (real rows only, in packed order) and the layer-0 captures."""
    scores, hidden = [], None
    for b in range(0, len(seqs), batch_size):
        batch = seqs[b:b + batch_size]
        L = max(map(len, batch))
        ids = torch.full((len(batch), L), PAD, dtype=torch.long)
        mask = torch.zeros((len(batch), L), dtype=torch.long)
        for i, s in enumerate(batch):
            ids[i, :len(s)] = torch.tensor(s)
            mask[i, :len(s)] = 1
            if len(s) >= 2 and s[0] == BOS and s[1] == BOS:
                mask[i, 0] = 0
        hooks.begin(batch)
        with torch.no_grad():
            out = model(input_ids=ids.cuda(), attention_mask=mask.cuda(), output_hidden_states=True)
        scores.append(out.logits[:, 0])
        rows = [torch.cat([h[i, start(s):len(s)] for i, s in enumerate(batch)]) for h in out.hidden_states]
        hidden = rows if hidden is None else [torch.cat([a, r]) for a, r in zip(hidden, rows)]
    return torch.cat(scores), hidden


def start(s):
    return 1 if len(s) >= 2 and s[0] == BOS and s[1] == BOS else 0


class Layer0Hooks:
    """Captures layer 0's q_proj output, attention output (o_proj input) and o_proj output, real rows."""

    def __init__(self, model):
        self.captured = {"q_proj": [], "attention": [], "o_proj": []}
        self.enabled = True
        attn = model.model.layers[0].self_attn
        attn.q_proj.register_forward_hook(lambda m, i, o: self.keep("q_proj", o))
        attn.o_proj.register_forward_hook(lambda m, i, o: self.keep_o_proj(i[0], o))

    def begin(self, batch):
        self.batch = batch

    def keep(self, key, tensor):
        if self.enabled:
            self.captured[key].append(torch.cat([tensor[i, start(s):len(s)] for i, s in enumerate(self.batch)]))

    def keep_o_proj(self, attended, output):
        """A forward hook must return None (anything else replaces the module's output)."""
        self.keep("attention", attended)
        self.keep("o_proj", output)

    def get(self, key):
        return torch.cat(self.captured[key])


def packed_inputs(seqs):
    ids, positions, bounds = [], [], [0]
    for s in seqs:
        first = start(s)
        ids += s[first:]
        positions += list(range(first, len(s)))
        bounds.append(len(ids))
    return (torch.tensor(ids, device="cuda"), torch.tensor(positions, device="cuda"), bounds)


def rotary(model, positions):
    """LlamaRotaryEmbedding: float32 inv_freq x positions (a K=1 matmul there), cos/sin, cast."""
    inv_freq = model.model.rotary_emb.inv_freq.float()
    freqs = positions.float()[:, None] * inv_freq[None, :]
    emb = torch.cat((freqs, freqs), dim=-1)
    scaling = model.model.rotary_emb.attention_scaling
    return (emb.cos() * scaling).to(torch.bfloat16), (emb.sin() * scaling).to(torch.bfloat16)


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


def attend_flash_varlen(q, k, v, bounds, scale):
    cu = torch.tensor(bounds, dtype=torch.int32, device="cuda")
    longest = max(b - a for a, b in zip(bounds, bounds[1:]))
    out = torch.ops.aten._flash_attention_forward(q, k, v, cu, cu, longest, longest, 0.0, True, False, scale=scale)[0]
    return out


def attend_efficient_varlen(q, k, v, bounds, scale):
    groups = q.shape[1] // k.shape[1]
    k = k.repeat_interleave(groups, dim=1)
    v = v.repeat_interleave(groups, dim=1)
    cu = torch.tensor(bounds, dtype=torch.int32, device="cuda")
    longest = max(b - a for a, b in zip(bounds, bounds[1:]))
    out = torch.ops.aten._efficient_attention_forward(q[None], k[None], v[None], None, cu, cu, longest, longest,
                                                     0.0, 1, False, scale=scale)[0]
    return out[0]


def slot_groups(bounds, positions, group):
    """Groups of `group` consecutive sequences: (members, [(begin, end, first slot)], padded length)."""
    n = len(bounds) - 1
    pos = positions.tolist()
    for g in range(0, n, group):
        members = list(range(g, min(n, g + group)))
        slots = [(bounds[i], bounds[i + 1], pos[bounds[i]]) for i in members]
        yield members, slots, max(p0 + (e - b) for b, e, p0 in slots)


def to_slots(x, slots, length):
    """Packed rows [T, heads, D] -> padded [B, heads, length, D], each row at slot = its position id."""
    padded = torch.zeros((len(slots), length, x.shape[1], x.shape[2]), dtype=x.dtype, device="cuda")
    for j, (b, e, p0) in enumerate(slots):
        padded[j, p0:p0 + e - b] = x[b:e]
    return padded.transpose(1, 2)


def repeat_kv(x, heads):
    """transformers' repeat_kv: [B, kv_heads, L, D] -> [B, heads, L, D] (a real copy)."""
    B, kv_heads, L, dim = x.shape
    return x[:, :, None].expand(B, kv_heads, heads // kv_heads, L, dim).reshape(B, heads, L, dim)


def occupied_slots(slots, length):
    valid = torch.zeros((len(slots), length), dtype=torch.bool, device="cuda")
    for j, (b, e, p0) in enumerate(slots):
        valid[j, p0:p0 + e - b] = True
    return valid


def attend_padded_slots(q, k, v, bounds, positions, scale, group):
    """SDPA with a boolean mask on padded groups, each row at slot = its position id, as transformers."""
    heads = q.shape[1]
    out = torch.empty_like(q)
    for _, slots, L in slot_groups(bounds, positions, group):
        causal = torch.ones((L, L), dtype=torch.bool, device="cuda").tril()
        mask = (causal[None] & occupied_slots(slots, L)[:, None, :])[:, None]
        o = F.scaled_dot_product_attention(to_slots(q, slots, L), repeat_kv(to_slots(k, slots, L), heads),
                                           repeat_kv(to_slots(v, slots, L), heads), attn_mask=mask,
                                           scale=scale).transpose(1, 2)
        for j, (b, e, p0) in enumerate(slots):
            out[b:e] = o[j, p0:p0 + e - b]
    return out


def attend_padded_pooled(q, k, v, bounds, positions, scale, group):
    """The pooled query row of each sequence alone against its keys at slot = position id."""
    heads, dim = q.shape[1], q.shape[2]
    out = torch.empty_like(q)
    for members, slots, L in slot_groups(bounds, positions, group):
        B = len(members)
        qh = q[members].view(B, 1, heads, dim).transpose(1, 2)
        o = F.scaled_dot_product_attention(qh, repeat_kv(to_slots(k, slots, L), heads),
                                           repeat_kv(to_slots(v, slots, L), heads),
                                           attn_mask=occupied_slots(slots, L)[:, None, None, :], scale=scale)
        out[members] = o.transpose(1, 2).reshape(B, heads, dim)
    return out


def forward(model, seqs, attention, pooled_last_layer, pooled_score, group=64):
    ids, positions, bounds = packed_inputs(seqs)
    pooled = torch.tensor([e - 1 for e in bounds[1:]], device="cuda")
    m = model.model
    x = m.embed_tokens(ids)
    cos, sin = rotary(model, positions)
    hidden = [x]
    layer_count = len(m.layers)
    for n, layer in enumerate(m.layers):
        last = n == layer_count - 1
        attn = layer.self_attn
        h = layer.input_layernorm(x)
        T = h.shape[0]
        k = attn.k_proj(h).view(T, -1, 128)
        v = attn.v_proj(h).view(T, -1, 128)
        k = k * cos[:, None] + rotate_half(k) * sin[:, None]
        if last and attention == "padded_pooled_query":
            q = attn.q_proj(h[pooled]).view(len(seqs), -1, 128)
            q = q * cos[pooled][:, None] + rotate_half(q) * sin[pooled][:, None]
            o = attend_padded_pooled(q, k, v, bounds, positions, attn.scaling, group).reshape(len(seqs), -1)
            x = x[pooled]
            x = x + attn.o_proj(o)
            x = x + layer.mlp(layer.post_attention_layernorm(x))
            hidden.append(x)
            continue
        q = attn.q_proj(h).view(T, -1, 128)
        if n == 0:
            q_proj0 = q.reshape(T, -1)
        q = q * cos[:, None] + rotate_half(q) * sin[:, None]
        if attention == "flash_varlen":
            o = attend_flash_varlen(q, k, v, bounds, attn.scaling)
        elif attention == "efficient_varlen":
            o = attend_efficient_varlen(q, k, v, bounds, attn.scaling)
        else:
            o = attend_padded_slots(q, k, v, bounds, positions, attn.scaling, group)
        o = o.reshape(T, -1)
        if last and pooled_last_layer:
            o, x = o[pooled], x[pooled]
        if n == 0:
            layer0 = {"q_proj": q_proj0, "attention": o, "o_proj": attn.o_proj(o)}
        x = x + attn.o_proj(o)
        x = x + layer.mlp(layer.post_attention_layernorm(x))
        hidden.append(x)
    x = m.norm(x)
    if pooled_last_layer:
        scores = model.score(x)[:, 0]
    elif pooled_score:
        scores = model.score(x[pooled])[:, 0]
    else:
        scores = model.score(x)[pooled][:, 0]
    hidden.append(x)
    return scores, hidden, layer0


def same_fraction(a, b):
    if a.shape != b.shape:
        return None
    return float((a == b).float().mean())


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--layers", type=int, default=8)
    parser.add_argument("--sequences", type=int, default=128)
    parser.add_argument("--no-double-bos", action="store_true")
    args = parser.parse_args()
    print(json.dumps({"torch": torch.__version__, "device": torch.cuda.get_device_name()}))
    model = make_model(args.layers)
    hooks = Layer0Hooks(model)
    seqs = make_sequences(args.sequences, not args.no_double_bos)
    ref_scores, ref_hidden = reference(model, seqs, 64, hooks)
    hooks.enabled = False
    ref_scores16, _ = reference(model, seqs, 16, hooks)
    print(json.dumps({"reference_batch16_vs_64_identical": int((ref_scores16 == ref_scores).sum()),
                      "of": len(seqs), "hidden_states": len(ref_hidden)}))
    ids, positions, bounds = packed_inputs(seqs)
    cos, sin = rotary(model, positions)
    ref_cos, ref_sin = model.model.rotary_emb(torch.zeros(1, dtype=torch.bfloat16, device="cuda"), positions[None])
    print(json.dumps({"rotary_tables_identical": [same_fraction(cos, ref_cos[0]), same_fraction(sin, ref_sin[0])]}))
    variants = [
        ("flash_varlen", True, False), ("flash_varlen", False, False),
        ("efficient_varlen", False, False),
        ("padded_slots", False, False), ("padded_slots", False, True), ("padded_slots", True, False),
        ("padded_pooled_query", True, False),
    ]
    for attention, pooled_last, pooled_score in variants:
        for group in ([64, 8] if attention == "padded_slots" and not pooled_last and not pooled_score else [64]):
            with torch.no_grad():
                torch.cuda.synchronize()
                t0 = time.perf_counter()
                scores, hidden, layer0 = forward(model, seqs, attention, pooled_last, pooled_score, group)
                torch.cuda.synchronize()
                seconds = time.perf_counter() - t0
            diffs = (scores.float() - ref_scores.float()).abs().tolist()
            per_layer = [same_fraction(a, b) for a, b in zip(hidden, ref_hidden)]
            shifted = [same_fraction(a, b) for a, b in zip(hidden[1:], ref_hidden)]
            print(json.dumps({
                "attention": attention, "pooled_last_layer": pooled_last, "pooled_score": pooled_score,
                "group": group, "seconds": round(seconds, 3),
                "scores_identical": sum(d == 0 for d in diffs), "of": len(diffs),
                "median_abs_diff": statistics.median(diffs), "max_abs_diff": max(diffs),
                "layer0_same": {key: same_fraction(layer0[key], hooks.get(key)) for key in layer0},
                "hidden_same_per_layer": [round(f, 6) if f is not None else None for f in per_layer],
                "hidden_same_shifted": [round(f, 6) if f is not None else None for f in shifted],
            }))


if __name__ == "__main__":
    main()
