"""The original OLMo code (allenai/OLMo's olmo.model.Olmo, which hf_olmo's OLMoForCausalLM wraps as
`self.model`) made importable on a machine without the ai2-olmo package: `../shared/reference/allenai+OLMo`
holds the three modules that define the network (olmo/config.py, initialization.py, model.py) but not
the helper modules they import. `load_olmo(source_dir)` builds a temporary `olmo` package from those
three files plus small stand-ins for the missing imports, and returns (Olmo, ModelConfig).

The stand-ins only satisfy imports the forward pass never uses (beam search, path aliases, config
file handling), except `ensure_finite_`, which the attention-bias cast calls: it replaces -inf with the
dtype's lowest finite value, as OLMo's torch_util does.
"""
import importlib.util
import os
import sys
import tempfile

STAND_INS = {
    "__init__.py": "",
    "aliases.py": "import os\nfrom typing import Union\nPathOrStr = Union[str, os.PathLike]\n",
    "exceptions.py": "class OlmoError(Exception):\n    pass\n\n\nclass OlmoConfigurationError(OlmoError):\n    pass\n",
    "util.py": "from enum import Enum\n\n\nclass StrEnum(str, Enum):\n    def __str__(self):\n        return self.value\n\n"
               "    def __repr__(self):\n        return f\"'{str(self)}'\"\n",
    "torch_util.py": (
        "import torch\n\n\n"
        "def ensure_finite_(x, check_neg_inf=True, check_pos_inf=False):\n"
        "    if check_neg_inf:\n"
        "        x.masked_fill_(x == float('-inf'), torch.finfo(x.dtype).min)\n"
        "    if check_pos_inf:\n"
        "        x.masked_fill_(x == float('inf'), torch.finfo(x.dtype).max)\n"),
    "beam_search.py": "BeamSearch = Constraint = FinalSequenceScorer = Sampler = object\n",
}

# Only when the machine has no omegaconf (olmo/config.py imports it for config-file handling).
OMEGACONF_STAND_IN = {
    "omegaconf/__init__.py": "class DictConfig(dict):\n    pass\n\n\nclass ListConfig(list):\n    pass\n\n\n"
                             "class OmegaConf:\n    pass\n",
    "omegaconf/errors.py": "class OmegaConfBaseException(Exception):\n    pass\n",
}


def load_olmo(source_dir):
    root = tempfile.mkdtemp()
    package = os.path.join(root, "olmo")
    os.makedirs(package)
    for name in ("config.py", "initialization.py", "model.py"):
        os.symlink(os.path.abspath(os.path.join(source_dir, "olmo", name)), os.path.join(package, name))
    for name, text in STAND_INS.items():
        with open(os.path.join(package, name), "w") as f:
            f.write(text)
    if importlib.util.find_spec("omegaconf") is None:
        os.makedirs(os.path.join(root, "omegaconf"))
        for name, text in OMEGACONF_STAND_IN.items():
            with open(os.path.join(root, name), "w") as f:
                f.write(text)
    sys.path.insert(0, root)
    from olmo.config import ModelConfig
    from olmo.model import Olmo
    return Olmo, ModelConfig
