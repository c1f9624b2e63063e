#!/usr/bin/env python3
"""Reference renderer for the template tests: Python jinja2 with Hugging Face's settings.

Reads a JSON list of {"template": str, "context": object} (file argument or stdin) and writes
a JSON list of {"output": str} or {"error": "<ExceptionClass>: message"} in the same order.
The environment is the one transformers builds for apply_chat_template.
"""
import datetime
import json
import sys

import jinja2
import jinja2.ext
from jinja2.sandbox import ImmutableSandboxedEnvironment


def make_environment():
    env = ImmutableSandboxedEnvironment(
        trim_blocks=True, lstrip_blocks=True, extensions=[jinja2.ext.loopcontrols])

    def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
        return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators,
                          sort_keys=sort_keys)

    def raise_exception(message):
        raise jinja2.exceptions.TemplateError(message)

    def strftime_now(fmt):
        return datetime.datetime.now().strftime(fmt)

    env.filters["tojson"] = tojson
    env.globals["raise_exception"] = raise_exception
    env.globals["strftime_now"] = strftime_now
    return env


def render_case(env, case, compiled):
    try:
        source = case["template"]
        if source not in compiled:
            compiled[source] = env.from_string(source)
        template = compiled[source]
        return {"output": template.render(**case.get("context", {}))}
    except Exception as error:  # every failure is a result the C++ side must mirror
        return {"error": f"{type(error).__name__}: {error}"}


def main():
    source = open(sys.argv[1], encoding="utf-8") if len(sys.argv) > 1 else sys.stdin
    cases = json.load(source)
    env = make_environment()
    compiled = {}  # one compilation per distinct template, as a tokenizer caches its template
    json.dump([render_case(env, case, compiled) for case in cases], sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
