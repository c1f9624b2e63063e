"""Remote-code models (trust_remote_code checkpoints of 2024: OpenBMB's modeling_minicpm.py, InternLM's
modeling_internlm2.py; copies in ../shared/reference) made runnable under transformers 5.17 so that their
own forward passes make the goldens.

That code was written against transformers 4.3x. Its network (embeddings, layers, attention, MLP, norms,
heads) uses torch alone, but its module imports names 5.17 moved or dropped, and it subclasses
PreTrainedModel / PretrainedConfig, whose 5.17 constructors expect things the old classes do not have
(dict-shaped _tied_weights_keys, attention-implementation dispatch, config validation).
`load_remote_module(source_dir, modeling_file)` imports the modeling module with:
  - the two base classes replaced, for this import only, by stand-ins that keep what a forward pass
    reads (the config object with transformers' output defaults; post_init does nothing, because every
    weight comes from the fixture's state dict and tying is done by the caller),
  - missing names of transformers filled with equivalents of their 4.x behaviour where a forward pass
    calls them (the eager 4-d causal mask), or with inert values where it only tests them
    (is_torch_fx_available, flash-attention probes, docstring decorators),
  - einops.rearrange, only when einops is absent, for the two patterns InternLM2's attention uses.
Nothing of the modeling code itself is changed.
"""
import importlib
import importlib.util
import os
import re
import sys
import tempfile
import types

import torch
import transformers


class StandInConfig:
    """PretrainedConfig as the old config classes use it: super().__init__(pad/bos/eos ids,
    tie_word_embeddings, **rest) stores everything; transformers' output defaults."""

    def __init__(self, pad_token_id=None, bos_token_id=None, eos_token_id=None, tie_word_embeddings=True, **kwargs):
        self.pad_token_id, self.bos_token_id, self.eos_token_id = pad_token_id, bos_token_id, eos_token_id
        self.tie_word_embeddings = tie_word_embeddings
        self.output_attentions = False
        self.output_hidden_states = False
        self.use_return_dict = True
        self.return_dict = True
        self.pretraining_tp = getattr(self, "pretraining_tp", 1)
        self._attn_implementation = kwargs.pop("_attn_implementation", "eager")
        for key, value in kwargs.items():
            setattr(self, key, value)


class StandInPreTrainedModel(torch.nn.Module):
    """PreTrainedModel as the old modeling classes use it in a forward pass."""

    def __init__(self, config, *args, **kwargs):
        super().__init__()
        self.config = config

    def post_init(self):
        pass


def causal_4d_mask(attention_mask, input_shape, inputs_embeds, past_key_values_length=0, sliding_window=None):
    """transformers 4.x _prepare_4d_causal_attention_mask (eager): 0 where attended, the dtype's lowest
    value above the diagonal and at padded keys; [batch, 1, query, key]."""
    batch, length = input_shape
    dtype, device = inputs_embeds.dtype, inputs_embeds.device
    lowest = torch.finfo(dtype).min
    mask = torch.full((length, length), lowest, device=device)
    mask = torch.triu(mask, diagonal=1).to(dtype)
    mask = mask[None, None].expand(batch, 1, length, length)
    if attention_mask is not None:
        padded = (1.0 - attention_mask[:, None, None, :].to(dtype)).expand(batch, 1, length, length)
        mask = mask.masked_fill(padded.bool(), lowest)
    return mask


def inert(value):
    return lambda *args, **kwargs: value


def identity_decorator(*args, **kwargs):
    return lambda function: function


def fill_missing(module_name, names):
    module = importlib.import_module(module_name)
    for name, value in names.items():
        if not hasattr(module, name):
            setattr(module, name, value)


def rearrange_stand_in(tensor, pattern, **sizes):
    """einops.rearrange for InternLM2's two patterns (only used where einops is not installed)."""
    if pattern == "b q (h gs d) -> b q h gs d":
        b, q, _ = tensor.shape
        return tensor.reshape(b, q, -1, sizes["gs"], sizes["d"])
    if pattern == "b q h gs d -> b q (h gs) d":
        b, q, h, gs, d = tensor.shape
        return tensor.reshape(b, q, h * gs, d)
    raise NotImplementedError(f"rearrange stand-in: pattern {pattern!r}")


def install_missing_names():
    fill_missing("transformers.utils.import_utils", {"is_torch_fx_available": inert(False)})
    fill_missing("transformers.pytorch_utils", {"ALL_LAYERNORM_LAYERS": [torch.nn.LayerNorm],
                                                "is_torch_greater_or_equal_than_1_13": True})
    fill_missing("transformers.utils", {"is_flash_attn_2_available": inert(False),
                                        "is_flash_attn_greater_or_equal_2_10": inert(False),
                                        "add_start_docstrings": identity_decorator,
                                        "add_start_docstrings_to_model_forward": identity_decorator,
                                        "replace_return_docstrings": identity_decorator})
    try:
        mask_utils = importlib.import_module("transformers.modeling_attn_mask_utils")
    except ImportError:
        mask_utils = types.ModuleType("transformers.modeling_attn_mask_utils")
        sys.modules[mask_utils.__name__] = mask_utils
    for name in ("_prepare_4d_causal_attention_mask", "_prepare_4d_causal_attention_mask_for_sdpa"):
        if not hasattr(mask_utils, name):
            setattr(mask_utils, name, causal_4d_mask)
    if not hasattr(mask_utils, "_prepare_4d_attention_mask"):
        def expand_padding_mask(mask, dtype, tgt_len=None):
            batch, length = mask.shape
            expanded = mask[:, None, None, :].expand(batch, 1, tgt_len or length, length).to(dtype)
            return (1.0 - expanded).masked_fill((1.0 - expanded).bool(), torch.finfo(dtype).min)
        mask_utils._prepare_4d_attention_mask = expand_padding_mask
    if not hasattr(mask_utils, "AttentionMaskConverter"):
        mask_utils.AttentionMaskConverter = type("AttentionMaskConverter", (), {})
    if importlib.util.find_spec("einops") is None:
        einops = types.ModuleType("einops")
        einops.rearrange = rearrange_stand_in
        sys.modules["einops"] = einops


def load_remote_module(source_dir, modeling_file):
    """Imports source_dir/modeling_file (and the configuration module it imports relatively) as a
    package of its own; returns the modeling module."""
    install_missing_names()
    root = tempfile.mkdtemp()
    package = "remote_" + re.sub(r"\W", "_", os.path.splitext(modeling_file)[0])
    os.makedirs(os.path.join(root, package))
    for name in os.listdir(source_dir):
        if name.endswith(".py") and name != "__init__.py":
            os.symlink(os.path.abspath(os.path.join(source_dir, name)), os.path.join(root, package, name))
    open(os.path.join(root, package, "__init__.py"), "w").close()
    sys.path.insert(0, root)
    import transformers.configuration_utils as configuration_utils
    import transformers.modeling_utils as modeling_utils
    saved = {(configuration_utils, "PretrainedConfig"): getattr(configuration_utils, "PretrainedConfig", None),
             (modeling_utils, "PreTrainedModel"): modeling_utils.PreTrainedModel}
    configuration_utils.PretrainedConfig = StandInConfig
    modeling_utils.PreTrainedModel = StandInPreTrainedModel
    try:
        return importlib.import_module(f"{package}.{os.path.splitext(modeling_file)[0]}")
    finally:
        for (module, name), value in saved.items():
            setattr(module, name, value)


def build_remote_model(module, class_name, config_fields, dtype):
    """class_name(config) from `module`, built as from_pretrained(torch_dtype=dtype) builds it (the
    default dtype set while the modules are made: the old rotary classes size their caches by it), with
    the checkpoint's config fields and eager attention; returns (model, config)."""
    config_class = next(value for value in vars(module).values()
                        if isinstance(value, type) and issubclass(value, StandInConfig) and value is not StandInConfig)
    fields = {k: v for k, v in config_fields.items() if k not in ("architectures", "model_type", "auto_map")}
    config = config_class(**fields)
    default_dtype = torch.get_default_dtype()
    torch.set_default_dtype(dtype)
    try:
        model = getattr(module, class_name)(config)
    finally:
        torch.set_default_dtype(default_dtype)
    return model, config


def tie_output_embeddings(model, config, input_name, output_name):
    """What from_pretrained does for tie_word_embeddings: the output projection shares the input
    embedding's weight."""
    if getattr(config, "tie_word_embeddings", False):
        model.get_submodule(output_name).weight = model.get_submodule(input_name).weight
