"""The workflow scenario's steps (bench/workflow.json): which ones the emulator serves yet, and
one careful run of them before the timed ones.

The timed runs (examples/bench_client.rs) only check statuses; this probe also checks what
the answers say (each step's "checks") and that nothing is left behind.
"""

import json
import re
import time
import uuid

from .checks import is_unserved, send
from .load import WORKFLOW

PLACEHOLDER = re.compile(r"\{([A-Za-z0-9_]+)\}")


def load():
    with open(WORKFLOW) as f:
        return json.load(f)


def placeholders(step):
    text = step["path"] + json.dumps(step.get("body"))
    return set(PLACEHOLDER.findall(text))


def fill_in(value, names):
    if isinstance(value, str):
        return PLACEHOLDER.sub(lambda m: names.get(m.group(1), m.group(0)), value)
    if isinstance(value, list):
        return [fill_in(v, names) for v in value]
    if isinstance(value, dict):
        return {k: fill_in(v, names) for k, v in value.items()}
    return value


def pointer(document, path):
    """RFC 6901, as serde_json's Value::pointer reads it in the client."""
    for part in [p.replace("~1", "/").replace("~0", "~") for p in path.split("/")[1:]]:
        if isinstance(document, list) and part.isdigit() and int(part) < len(document):
            document = document[int(part)]
        elif isinstance(document, dict) and part in document:
            document = document[part]
        else:
            return None
    return document


def probe(checks, server):
    """Runs the workflow once, step by step, against the emulator. Returns the names of the
    steps to skip, each with why, or None when a served step answered wrongly."""
    spec = load()
    unique = f"wf probe {uuid.uuid4().hex[:8]}"
    names = dict(spec.get("vars", {}), unique=unique, slug=unique.replace(" ", "-"))
    captured_by = {s["capture"]: s["name"] for s in spec["steps"] if s.get("capture")}
    skipped, ran = {}, []
    for step in spec["steps"]:
        name = step["name"]
        waiting = [n for n in step.get("needs", []) if n in skipped]
        missing = sorted(placeholders(step) - set(names))
        if waiting:
            skipped[name] = f"needs '{waiting[0]}'"
            continue
        if missing:
            source = captured_by.get(missing[0])
            if source is None or source not in skipped:
                checks.add(f"workflow step '{name}'", False, f"{{{missing[0]}}} is captured by no earlier step")
                return None
            skipped[name] = f"needs {{{missing[0]}}} from '{source}'"
            continue
        path, body = fill_in(step["path"], names), fill_in(step.get("body"), names)
        polls = step.get("until", {}).get("polls", 1)
        for _ in range(polls):
            status, answer = send(server.base, step["method"], path, body)
            until = step.get("until")
            if not until or status != step["expect"] or pointer(answer, until["pointer"]) == until["equals"]:
                break
            time.sleep(0.01)
        if is_unserved(status, answer):
            skipped[name] = f"not served yet ({status})"
            continue
        if status != step["expect"]:
            checks.add(f"workflow step '{name}'", False, f"{step['method']} {path}: {status}, expected {step['expect']}: {answer}")
            return None
        if step.get("capture"):
            value = pointer(answer, step.get("pointer", "/id"))
            if not isinstance(value, str):
                checks.add(f"workflow step '{name}'", False, f"no {step.get('pointer', '/id')} in {answer}")
                return None
            names[step["capture"]] = value
        for check in step.get("checks", []):
            expected = fill_in(check["equals"], names)
            found = pointer(answer, check["pointer"])
            if found != expected:
                checks.add(f"workflow step '{name}'", False, f"{check['pointer']} is {found!r}, expected {expected!r}")
                return None
        ran.append(name)
    checks.add("workflow: one careful run, every served step answered as documented", True,
               f"ran {len(ran)}: {', '.join(ran)}")
    for name, why in skipped.items():
        checks.add(f"workflow step '{name}' skipped", True, why, fatal=False)
    return skipped
