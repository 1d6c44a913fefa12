"""A run's configuration: one point of the axes the schema declares, its key,
and the configuration a record measured.

The Config class is made from the schema's axes (x-axes), so a new axis there
is a new field here, a new part of the key (only where it differs from its
default, so older keys, and the history kept under them, stay as they were),
a new option on the command line the harness builds, and a new column of the
summary.
"""
from __future__ import annotations

import dataclasses
from pathlib import Path

from .schema import AXES, AXIS, DEFAULT_SHAPE


def _is_map(axis: dict) -> bool:
    return isinstance(axis["default"], dict)


def _normalise(axis: dict, value):
    """The value as Config holds it: maps as sorted (key, value) string pairs,
    numbers as int where the default is one, booleans as the CLI spells them."""
    if _is_map(axis):
        return tuple(sorted((str(k), str(v)) for k, v in (value or {}).items()))
    if value is None:
        return None
    if isinstance(value, bool) and "record_values" in axis:
        return next(k for k, v in axis["record_values"].items() if v == value)
    if isinstance(axis["default"], int):
        return int(value)
    return value


def _key(self) -> str:
    """Stable, human-readable identity, used to group, resume, shard and compare."""
    parts = []
    for a in AXES:
        v = getattr(self, a["name"])
        fmt = a.get("format", "{}")
        if a["key"] == "items":
            parts += [fmt.format(k=k, v=x) for k, x in v]
        elif a["key"] == "always" or (v is not None and v != _normalise(a, a["default"])):
            parts.append(fmt.format(v))
    return "/".join(parts)


def _as_dict(self) -> dict:
    return {a["name"]: dict(getattr(self, a["name"])) if _is_map(a) else getattr(self, a["name"]) for a in AXES}


def _from_dict(d: dict) -> "Config":
    """A configuration from axis values; an axis left out takes its default
    (input has none and must be given)."""
    if d.get("input") is None:
        raise KeyError("a configuration needs an input")
    return Config(**{a["name"]: _normalise(a, d.get(a["name"], a["default"])) for a in AXES})


def _command_options(self) -> list[str]:
    """labyrinth's options for this configuration, input left out (the caller
    resolves it to a file).  Defaults are left to the binary, so a binary that
    predates an option still runs the default configuration."""
    out = []
    for a in AXES:
        v = getattr(self, a["name"])
        if a["option"] is None or a["name"] == "input":
            continue
        if _is_map(a):
            for k, x in v:
                out += [a["option"], f"{k}={x}"]
        elif v is not None and v != _normalise(a, a["default"]):
            out += [a["option"], str(v)]
    return out


Config = dataclasses.make_dataclass(
    "Config",
    [(a["name"], object) for a in AXES],
    frozen=True,
    namespace={"key": property(_key), "as_dict": _as_dict, "from_dict": staticmethod(_from_dict),
               "command_options": _command_options,
               "__doc__": "One point of the matrix: everything that decides what a run measures."},
)
Config.__module__ = __name__


def _get(record: dict, path: str):
    node = record
    for part in path.split("."):
        if not isinstance(node, dict):
            return None
        node = node.get(part)
    return node


def _set(record: dict, path: str, value) -> None:
    *parents, last = path.split(".")
    node = record
    for part in parents:
        node = node.setdefault(part, {})
    node[last] = value


def config_of(record: dict) -> Config:
    """The configuration a record measured: the harness's own note, else the
    record's fields at the axes' record paths (axes a record cannot say take
    their defaults)."""
    h = record.get("harness") or {}
    if "config" in h:
        return Config.from_dict(h["config"])
    d = {}
    for a in AXES:
        if a["record"] is None or _is_map(a):
            continue  # not recoverable from the record (tm.config is the runtime's whole configuration)
        v = _get(record, a["record"])
        if v is not None:
            d[a["name"]] = v
    if _get(record, "input.format") == "lee" and "input" in d:
        d["input"] = f"lee-tm/{d['input']}"  # the harness's name for a Lee-TM board (harness/inputs.py)
    d.setdefault("input", "?")
    d.setdefault("tm", "?")
    d.setdefault("threads", 0)
    if d.get("allocator") == "default":
        d["allocator"] = "glibc"  # early records said "default" when no allocator was asked for
    return Config.from_dict(d)


def record_fields(cfg: Config) -> dict:
    """The record fields a configuration fixes (for a record the harness makes
    for a run that left none)."""
    out: dict = {}
    for a in AXES:
        if a["record"] is None or _is_map(a):
            continue
        v = getattr(cfg, a["name"])
        if a["name"] == "input":
            v = Path(v).stem
        elif "record_values" in a:
            v = a["record_values"].get(v, v)
        _set(out, a["record"], v)
    return out


def is_default_shape(cfg: Config, ignore: tuple[str, ...] = ()) -> bool:
    """STAMP's STM build with glibc and malloc private memory (x-default-shape):
    the shape figures and headline numbers compare runtimes in.  `ignore`: axes
    a figure varies itself (the allocator figure, the allocator)."""
    return all(getattr(cfg, n) == AXIS[n]["default"] for n in DEFAULT_SHAPE if n not in ignore)


def default_of(axis: str):
    return AXIS[axis]["default"]
