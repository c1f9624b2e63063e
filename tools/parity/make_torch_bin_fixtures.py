#!/usr/bin/env python3
"""Makes tests/fixtures/torch_bin/ with the real torch.save (run where torch is installed, e.g. the
GPU machine), for the restricted unpickler's tests:

  state.bin / state.safetensors   the same tensors written by torch.save and by safetensors: f32, bf16
                                  and f16, a tied pair sharing one storage, a view at an offset inside
                                  a larger storage (x[3:]), an nn.Parameter, a 0-d tensor
  legacy.bin                      the same state in the pre-1.6 format (_use_new_zipfile_serialization=False)
  model/                          a parity fixture's model saved by save_pretrained(safe_serialization=False):
                                  config.json + pytorch_model.bin (its safetensors twin is the fixture's)

usage: make_torch_bin_fixtures.py FIXTURE_DIR(with config.json + model.safetensors) OUT_DIR
"""
import os
import shutil
import sys

import torch
from safetensors.torch import load_file, save_file


def main():
    fixture, out = sys.argv[1], sys.argv[2]
    os.makedirs(os.path.join(out, "model"), exist_ok=True)
    gen = torch.Generator().manual_seed(7)
    base = torch.randn(10, generator=gen)
    shared = torch.randn(4, 3, generator=gen)
    state = {
        "f32": torch.randn(2, 5, generator=gen),
        "bf16": torch.randn(3, 4, generator=gen).to(torch.bfloat16),
        "f16": torch.randn(6, generator=gen).to(torch.float16),
        "tied_a": shared,
        "tied_b": shared,
        "offset_view": base[3:],  # storage of 10 floats, offset 3
        "parameter": torch.nn.Parameter(torch.randn(2, 2, generator=gen), requires_grad=False),
        "scalar": torch.tensor(2.5),
    }
    torch.save(state, os.path.join(out, "state.bin"))
    torch.save(state, os.path.join(out, "legacy.bin"), _use_new_zipfile_serialization=False)
    save_file({k: v.detach().clone().contiguous() for k, v in state.items()}, os.path.join(out, "state.safetensors"))
    # A model folder as save_pretrained writes it without safetensors.
    tensors = load_file(os.path.join(fixture, "model.safetensors"))
    torch.save(tensors, os.path.join(out, "model", "pytorch_model.bin"))
    shutil.copyfile(os.path.join(fixture, "config.json"), os.path.join(out, "model", "config.json"))
    print("torch_bin fixtures:", sorted(os.listdir(out)), "torch", torch.__version__)


if __name__ == "__main__":
    main()
