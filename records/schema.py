"""The declared schema (schema/run.schema.json), loaded once: version, axes,
TM statistics, failure reasons and exit statuses, and record validation.

Everything here is read from the schema file; nothing is restated.  The one
thing added at load time is the rule the file states in words (x-then-also):
an ok record carries every declared field, at every level, except those
marked x-optional; writing those required lists out by hand would be a second
copy of the field list to keep in step.
"""
from __future__ import annotations

import copy
import json
from pathlib import Path

import jsonschema

SCHEMA_FILE = Path(__file__).resolve().parent.parent / "schema" / "run.schema.json"
SCHEMA: dict = json.loads(SCHEMA_FILE.read_text())

VERSION: str = SCHEMA["x-version"]
ACCEPTED: tuple[str, ...] = tuple(dict.fromkeys([VERSION, *SCHEMA["x-accepts"]]))
AXES: list[dict] = SCHEMA["x-axes"]
AXIS: dict[str, dict] = {a["name"]: a for a in AXES}
DEFAULT_SHAPE: tuple[str, ...] = tuple(SCHEMA["x-default-shape"])
FAILURE_REASONS: dict[str, dict] = SCHEMA["x-failure-reasons"]
EXIT_STATUSES: list[dict] = SCHEMA["x-exit-statuses"]


def object_properties(node: dict) -> dict:
    """The properties of an object node, also when it is one branch of a oneOf (nullable)."""
    if "properties" in node:
        return node["properties"]
    for branch in node.get("oneOf", []):
        if branch.get("type") == "object":
            return branch.get("properties", {})
    return {}


TM_STATS: dict[str, dict] = object_properties(SCHEMA["properties"]["tm_stats"])


def _numeric(node: dict) -> bool:
    t = node.get("type")
    return bool({"integer", "number"} & set(t if isinstance(t, list) else [t]))


# Every number an ok record measures, by the record's section: the times, the
# memory, the TM statistics, the router's, the hardware counters and the memory
# system calls (what a summary takes medians of).  A field declared in one of these sections is a
# measure without a second list to keep in step.
MEASURES: dict[str, list[str]] = {
    section: [n for n, s in object_properties(SCHEMA["properties"][section]).items() if _numeric(s)]
    for section in ("time", "memory", "tm_stats", "router", "counters", "syscalls")}


def measure(record: dict, section: str, name: str) -> float | None:
    """A declared measure of a record (None where the record has none)."""
    if name not in MEASURES.get(section, ()):
        raise KeyError(f"{section}.{name} is not a measure of the schema")
    v = (record.get(section) or {}).get(name)
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None


def stat_label(name: str) -> str:
    """An axis label for a TM statistic: its name in the record and its unit, as declared."""
    return f"{name} ({TM_STATS[name]['x-unit']})"


def exit_status(reason: str | None) -> int:
    """labyrinth's exit status for a failure reason (None: ok)."""
    for e in EXIT_STATUSES:
        if (reason is None and not e["reasons"]) or reason in e["reasons"]:
            return e["status"]
    raise KeyError(f"no exit status declared for failure reason {reason!r}")


def reason_for_exit(status: int) -> str | None:
    """The failure reason an exit status stands for when no record says more."""
    for e in EXIT_STATUSES:
        if e["status"] == status:
            return e["reasons"][0] if e["reasons"] else None
    return None


def paths(node: dict | None = None, prefix: str = "") -> list[str]:
    """Every declared field of a record, as dotted paths, parents before children."""
    out = []
    for name, child in object_properties(node if node is not None else SCHEMA).items():
        p = f"{prefix}{name}"
        out.append(p)
        out += paths(child, p + ".")
    return out


def version_number(version: str) -> int:
    """labyrinth-bench/run/N -> N."""
    return int(version.rsplit("/", 1)[1])


def _required_when_ok(node: dict, version: int) -> dict:
    """Every declared field, except x-optional ones and those added (x-since)
    after the record's version, which older records lack."""
    props = object_properties(node)
    out: dict = {"required": [n for n, c in props.items()
                              if not c.get("x-optional") and c.get("x-since", 1) <= version]}
    children = {n: _required_when_ok(c, version) for n, c in props.items() if object_properties(c)}
    if children:
        out["properties"] = children
    return out


def _validation_schema(version: str) -> dict:
    s = copy.deepcopy(SCHEMA)
    ok_rule = next(r for r in s["allOf"] if r["if"]["properties"]["status"].get("const") == "ok")
    ok_rule["then"] = {"allOf": [ok_rule["then"], _required_when_ok(SCHEMA, version_number(version))]}
    s["properties"]["schema"]["const"] = version
    s["properties"]["failure"]["oneOf"][1]["properties"]["reason"]["enum"] = list(FAILURE_REASONS)
    return s


# One validator per version this reader accepts: a record is held to its own version.
_VALIDATORS = {v: jsonschema.Draft202012Validator(_validation_schema(v)) for v in ACCEPTED}


def problems(record) -> list[str]:
    """What is wrong with a record (empty when it validates), each naming the field."""
    if not isinstance(record, dict):
        return ["not a JSON object"]
    if record.get("schema") not in ACCEPTED:
        return [f"schema {record.get('schema')!r} is not one this reader knows ({', '.join(ACCEPTED)})"]
    out = []
    for e in sorted(_VALIDATORS[record["schema"]].iter_errors(record), key=lambda e: [str(p) for p in e.absolute_path]):
        inner = [c for c in e.context if c.validator_value != "null"]
        if inner:  # a nullable object (oneOf null, object): say what is wrong inside the object
            e = inner[0]
        where = ".".join(str(p) for p in e.absolute_path) or "(record)"
        msg = e.message if len(e.message) <= 160 else e.message[:157] + "..."
        out.append(f"{where}: {msg}")
    return out
