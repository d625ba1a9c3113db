"""mdgpu input files as Python data: read one, change keys, write a runnable copy elsewhere.

Used by tools/run_temperature_series.py (one input per temperature) and by the tests that run
shortened copies of inputs/. Reading is Python's tomllib; writing covers what mdgpu inputs hold
(tables, arrays of tables, inline tables, arrays, strings, numbers, booleans).
"""
import math
import tomllib
from pathlib import Path


class OverrideError(ValueError):
    """A KEY=VALUE override that does not fit the input."""


def load(path):
    with open(path, "rb") as f:
        return tomllib.load(f)


def absolutize_paths(doc, folder):
    """Input-relative paths made absolute, so the copy may live in another folder.
    ([output] directory is relative to where mdgpu runs and is left alone.)"""
    folder = Path(folder).resolve()
    for table, key in (("system", "structure"), ("potential", "model")):
        value = doc.get(table, {}).get(key)
        if isinstance(value, str):
            doc[table][key] = str((folder / value).resolve())


def parse_value(text):
    """A TOML value as written on a command line: 900, 0.5, true, "x", [1, 2] or a bare word."""
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        return text


def set_key(doc, dotted, value, create=True):
    """Sets doc[a][b]...; a step into an array of tables ([[stage]]) sets the key in every entry,
    so "stage.duration_ps=0.1" shortens every stage (every MD stage: time keys skip
    minimisations). Missing tables on the way are created, or
    with create=False the key is left unset. Returns whether it was set anywhere."""
    head, _, rest = dotted.partition(".")
    if not head:
        raise OverrideError(f"empty key in '{dotted}'")
    if not rest:
        doc[head] = value
        return True
    if head not in doc and not create:
        return False
    target = doc.setdefault(head, {})
    entries = target if isinstance(target, list) else [target]
    applied = False
    for entry in entries:
        if not isinstance(entry, dict):
            raise OverrideError(f"'{head}' is not a table, cannot set '{dotted}'")
        if isinstance(target, list) and _is_untimed_stage(entry) and rest in TIME_KEYS:
            continue  # a minimisation counts iterations: "stage.duration_ps=..." is not for it
        applied |= set_key(entry, rest, value, create)
    return applied


# Keys of a [[stage]] that only stages with a clock (MD, not a minimisation) take.
TIME_KEYS = {"timestep_fs", "timestep_ps", "duration_ps"}


def _is_untimed_stage(entry):
    return entry.get("ensemble") == "minimize"


def apply_overrides(doc, overrides, create=True):
    """overrides: 'dotted.key=VALUE' strings. Returns those set nowhere (create=False only)."""
    unused = []
    for item in overrides:
        key, sep, value = item.partition("=")
        if not sep:
            raise OverrideError(f"'{item}' is not KEY=VALUE")
        if not set_key(doc, key.strip(), parse_value(value.strip()), create):
            unused.append(item)
    return unused


def _key(name):
    bare = name and all(c.isalnum() or c in "-_" for c in name)
    return name if bare else _string(name)


def _string(s):
    escaped = s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def _value(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if math.isinf(v) or math.isnan(v):
            raise ValueError(f"{v} has no place in an mdgpu input")
        return repr(v)
    if isinstance(v, str):
        return _string(v)
    if isinstance(v, list):
        return "[" + ", ".join(_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{_key(k)} = {_value(x)}" for k, x in v.items()) + " }"
    raise TypeError(f"cannot write {type(v).__name__} as TOML")


def _is_table_array(v):
    return isinstance(v, list) and v and all(isinstance(x, dict) for x in v)


def _emit(table, prefix, lines):
    scalars = {k: v for k, v in table.items() if not isinstance(v, dict) and not _is_table_array(v)}
    for k, v in scalars.items():
        lines.append(f"{_key(k)} = {_value(v)}")
    for k, v in table.items():
        name = f"{prefix}.{_key(k)}" if prefix else _key(k)
        if isinstance(v, dict):
            lines += ["", f"[{name}]"]
            _emit(v, name, lines)
        elif _is_table_array(v):
            for entry in v:
                lines += ["", f"[[{name}]]"]
                _emit(entry, name, lines)


def dumps(doc):
    lines = []
    _emit(doc, "", lines)
    return "\n".join(lines).lstrip("\n") + "\n"


def write(doc, path, header=""):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(header + dumps(doc))
