#!/usr/bin/env python3
"""Render the chat templates in this directory the way Hugging Face transformers'
``tokenizer.apply_chat_template(..., tokenize=False)`` does, and write golden files.

Environment, filters and globals are copied from transformers'
``src/transformers/utils/chat_template_utils.py`` (``_compile_jinja_template``):

    def raise_exception(message):
        raise jinja2.exceptions.TemplateError(message)

    def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
        # We override the built-in tojson filter because Jinja's default filter escapes HTML characters
        # We also expose some options like custom indents and separators
        return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)

    def strftime_now(format):
        return datetime.now().strftime(format)

    jinja_env = ImmutableSandboxedEnvironment(
        trim_blocks=True, lstrip_blocks=True, extensions=[AssistantTracker, jinja2.ext.loopcontrols]
    )
    jinja_env.filters["tojson"] = tojson
    jinja_env.globals["raise_exception"] = raise_exception
    jinja_env.globals["strftime_now"] = strftime_now

and the template is rendered with
``render(messages=..., tools=..., documents=..., add_generation_prompt=..., **special_tokens_map, **kwargs)``.

Differences from transformers, on purpose:
  * strftime_now uses the fixed instant ``fixed_now`` from conversations.json
    (2025-01-15T12:00:00) instead of datetime.now(), so goldens are stable;
  * the AssistantTracker extension (the ``{% generation %}`` tag, used only for
    return_assistant_tokens_mask) is left out: none of these templates use it;
  * only bos_token/eos_token (plus per-family extras such as date_string) are passed,
    not the whole special_tokens_map.  A context value of null in conversations.json
    means "not passed" (transformers leaves a None special token out of the map, so it
    is *undefined* in the template, not none).

Inputs: conversations.json (families, tools, cases).  Outputs:
golden/<family>.<case>.txt with the exact rendered string (no newline added), or
golden/<family>.<case>.error.txt with "<ExceptionType>: <message>" if rendering raised.

Needs only python3 and jinja2 >= 3.1 (Debian: python3-jinja2).  Run from anywhere:
    python3 render_golden.py
"""

import json
import os
import sys
from datetime import datetime

import jinja2
import jinja2.ext
from jinja2.sandbox import ImmutableSandboxedEnvironment

HERE = os.path.dirname(os.path.abspath(__file__))
GOLDEN_DIR = os.path.join(HERE, "golden")


def build_env(fixed_now):
    def raise_exception(message):
        raise jinja2.exceptions.TemplateError(message)

    def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
        return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)

    def strftime_now(format):
        return fixed_now.strftime(format)

    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[jinja2.ext.loopcontrols])
    env.filters["tojson"] = tojson
    env.globals["raise_exception"] = raise_exception
    env.globals["strftime_now"] = strftime_now
    return env


def main():
    with open(os.path.join(HERE, "conversations.json"), encoding="utf-8") as f:
        spec = json.load(f)  # dicts keep file order (Python 3.7+)

    fixed_now = datetime.fromisoformat(spec["fixed_now"])
    env = build_env(fixed_now)

    os.makedirs(GOLDEN_DIR, exist_ok=True)
    for name in os.listdir(GOLDEN_DIR):
        if name.endswith(".txt"):
            os.remove(os.path.join(GOLDEN_DIR, name))

    for family, fam in spec["families"].items():
        with open(os.path.join(HERE, fam["template"]), encoding="utf-8", newline="") as f:
            source = f.read()
        template = env.from_string(source)
        extra = {k: v for k, v in fam.get("context", {}).items() if v is not None}
        for case in spec["cases"]:
            tools = spec["tools"] if case["use_tools"] else None
            base = os.path.join(GOLDEN_DIR, f"{family}.{case['id']}")
            try:
                rendered = template.render(
                    messages=case["messages"],
                    tools=tools,
                    documents=None,
                    add_generation_prompt=case["add_generation_prompt"],
                    **extra,
                )
            except Exception as e:  # record what transformers would raise
                msg = f"{type(e).__name__}: {e}"
                with open(base + ".error.txt", "w", encoding="utf-8", newline="") as f:
                    f.write(msg)
                print(f"{family:13s} {case['id']:22s} ERROR {msg}")
                continue
            with open(base + ".txt", "w", encoding="utf-8", newline="") as f:
                f.write(rendered)
            print(f"{family:13s} {case['id']:22s} ok ({len(rendered)} chars)")
    print(f"jinja2 {jinja2.__version__}, python {sys.version.split()[0]}")


if __name__ == "__main__":
    main()
