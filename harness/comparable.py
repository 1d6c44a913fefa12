"""What can be compared, and the refusals (exit 2) when it cannot.

`compare`, `summary`, `history` and `ab` refuse, with a message naming the problem:
a missing, empty or unreadable result directory; two sides with no configuration in
common; a metric no run of a side has; a side whose runs come from several machines
(a cluster's nodes, per_machine.py); and two different machines (CPU model, core
count, kernel, compiler, THP mode) unless the caller allows it, in which case the
report says so at its top.  Runs taken under load are not refused but listed.
"""
from __future__ import annotations

import json
from pathlib import Path

import records as records_pkg

from records import machines as per_machine

from . import load, metrics, store

# The facts that make two machines' times comparable (the record's `machine`).
MACHINE_FIELDS = ("cpu", "cores", "kernel", "compiler", "thp")


class Refusal(Exception):
    """Two things cannot be compared (or one cannot be read): exit status 2."""


def read_result_dir(path: Path, role: str) -> list[dict]:
    """Every valid record of a result directory (or a runs.jsonl); a Refusal if
    there are none.  A line that is damaged or does not validate against the
    schema counts as not recorded, with a warning naming it (store.read_records)."""
    path = Path(path)
    if not path.exists():
        raise Refusal(f"{role} {path}: no such result directory")
    runs = path / store.RUNS if path.is_dir() else path
    if path.is_dir() and not runs.exists():
        raise Refusal(f"{role} {path}: no {store.RUNS} in it (not a result directory, or nothing ran yet)")
    try:
        records = records_pkg.load(path, on_invalid=store.warn)  # checked; a damaged line counts as not recorded
    except OSError as e:
        raise Refusal(f"{role} {path}: cannot read {runs}: {e.strerror or e}") from None
    if not records:
        raise Refusal(f"{role} {path}: {runs.name} holds no records")
    return records


def machine_facts(records: list[dict], result_dir: Path | None = None) -> dict[str, set]:
    """field -> the distinct values the records' `machine` objects give (machine.json
    fills in fields no record has)."""
    facts: dict[str, set] = {f: set() for f in MACHINE_FIELDS}
    for r in records:
        m = r.get("machine") or {}
        for f in MACHINE_FIELDS:
            if m.get(f) not in (None, ""):
                facts[f].add(str(m[f]))
    if result_dir is not None and Path(result_dir).is_dir():
        try:
            doc = json.loads((Path(result_dir) / "machine.json").read_text())
        except (OSError, json.JSONDecodeError):
            doc = {}
        for f in MACHINE_FIELDS:
            if not facts[f] and doc.get(f) not in (None, ""):
                facts[f].add(str(doc[f]))
    return facts


def machine_differences(base: dict[str, set], new: dict[str, set]) -> list[str]:
    """'field: base value(s) vs new value(s)' for every fact both sides know and differ in."""
    return [f"{f}: {' / '.join(sorted(base[f]))} vs {' / '.join(sorted(new[f]))}"
            for f in MACHINE_FIELDS if base.get(f) and new.get(f) and base[f] != new[f]]


def describe_machine(facts: dict[str, set]) -> str:
    return ", ".join(f"{f} {' / '.join(sorted(facts[f])) or 'unknown'}" for f in MACHINE_FIELDS)


def check_machines(base: dict[str, set], new: dict[str, set], allow_mismatch: bool,
                   names=("BASE", "NEW")) -> list[str]:
    """Header lines for a report; a Refusal when the machines differ and that is not allowed."""
    diff = machine_differences(base, new)
    if diff and not allow_mismatch:
        raise Refusal(f"{names[0]} and {names[1]} ran on different machines ({'; '.join(diff)}); "
                      "their times are not comparable (--allow-machine-mismatch compares them anyway)")
    if diff:
        return [f"WARNING: MACHINES DIFFER ({'; '.join(diff)}): compared anyway "
                "(--allow-machine-mismatch); differences may be the machine's, not the code's"]
    return [f"machine: {describe_machine(base)}"]


def check_one_machine(records: list[dict], role: str) -> None:
    """A Refusal when one side's runs come from several machines (per_machine.py): the
    times of one configuration would pool two machines, whatever the other side is."""
    parts = per_machine.split(records)
    if len(parts) > 1:
        raise Refusal(f"{role} holds runs from {len(parts)} machines ({'; '.join(parts)}); a configuration's "
                      "times never pool two machines: compare each machine's runs on their own")


def check_common(base_keys, new_keys, names=("BASE", "NEW")) -> set:
    common = set(base_keys) & set(new_keys)
    if not common:
        def some(keys):
            keys = sorted(keys)
            return f"{len(keys)}" + (f", e.g. {keys[0]}" if keys else "")
        raise Refusal(f"{names[0]} and {names[1]} have no configuration in common "
                      f"({names[0]}: {some(base_keys)}; {names[1]}: {some(new_keys)})")
    return common


def check_metric(groups: dict, metric: str, role: str) -> None:
    """A Refusal when a side has ok runs but not one with the metric (e.g. no counters)."""
    have = any(g.times for g in groups.values())
    missing = [reason for g in groups.values() for reason in g.no_metric]
    if not have and missing:
        raise Refusal(f"{role}: no run has the {metric} metric ({metrics.DESCRIPTION[metric]}): "
                      f"{sorted(set(missing))[0]}")


def load_lines(sides: dict[str, list[dict]]) -> list[str]:
    """The report's list of runs taken above the core count, per side."""
    out = []
    for role, records in sides.items():
        measured = [r for r in records if not (r.get("harness") or {}).get("warmup")]
        marked = load.loaded_runs(records)
        recorded = sum(1 for r in measured if (r.get("harness") or {}).get("load"))
        if not recorded:
            out.append(f"load: {role}: not recorded (records older than the load fields)")
            continue
        out.append(f"load: {role}: {len(marked)} of {len(measured)} measured runs started with the "
                   "load average above the core count")
        by_config: dict[str, list[dict]] = {}
        for r in marked:  # one line per configuration: a busy hour marks whole rounds
            h = r["harness"]
            by_config.setdefault(h.get("config_key") or h.get("run_id", "?"), []).append(h["load"])
        for key, loads in sorted(by_config.items()):
            avgs = [ld.get("loadavg_before") for ld in loads if isinstance(ld.get("loadavg_before"), (int, float))]
            steals = [ld["steal_fraction"] for ld in loads if isinstance(ld.get("steal_fraction"), (int, float))]
            span = f"{min(avgs):.2f}" + (f"-{max(avgs):.2f}" if max(avgs) > min(avgs) else "") if avgs else "?"
            out.append(f"  {key}: {len(loads)} run(s), load {span} on {loads[0].get('cores')} cores"
                       + (f", steal up to {max(steals):.0%}" if steals else ""))
    return out


def prepare(base_path: Path, new_path: Path, metric: str, allow_mismatch: bool):
    """(base groups, new groups, report header lines) for `compare`; Refusal if not comparable."""
    from . import stats  # stats imports nothing of this module; kept local to stay one-way
    base = read_result_dir(base_path, "BASE")
    new = read_result_dir(new_path, "NEW")
    check_one_machine(base, f"BASE {base_path}")
    check_one_machine(new, f"NEW {new_path}")
    header = check_machines(machine_facts(base, base_path), machine_facts(new, new_path), allow_mismatch)
    bg, ng = stats.group(base, metric), stats.group(new, metric)
    check_common(bg, ng)
    check_metric(bg, metric, f"BASE {base_path}")
    check_metric(ng, metric, f"NEW {new_path}")
    header.append(f"metric: {metric}: {metrics.DESCRIPTION[metric]}")
    header += load_lines({"BASE": base, "NEW": new})
    return bg, ng, header
