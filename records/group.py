"""Records grouped by configuration: the samples every summary and figure
starts from.  Only measured runs count (warm-ups are dropped) and only ok runs
carry times; failed runs are counted per configuration, never averaged in."""
from __future__ import annotations

import statistics
from dataclasses import dataclass, field

from .config import Config, config_of
from .schema import TM_STATS

METRIC = "elapsed_s"  # STAMP's "Elapsed time": the routing phase only


def is_warmup(record: dict) -> bool:
    return bool((record.get("harness") or {}).get("warmup"))


def is_ok(record: dict) -> bool:
    return record.get("status") == "ok" and isinstance((record.get("time") or {}).get(METRIC), (int, float))


def tm_stat(record: dict, name: str) -> float | None:
    """A declared TM statistic of a record (None where the record has none)."""
    if name not in TM_STATS:
        raise KeyError(f"{name!r} is not a TM statistic of the schema")
    v = (record.get("tm_stats") or {}).get(name)
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None


@dataclass
class Group:
    config: Config
    times: list[float] = field(default_factory=list)
    stats: dict[str, list[float]] = field(default_factory=dict)  # TM statistic -> one value per ok run
    failures: list[str] = field(default_factory=list)   # reasons, one per failed run
    no_metric: list[str] = field(default_factory=list)  # ok runs without the measure asked for: why
    revisions: set = field(default_factory=set)

    # The two statistics the figures and headline draw, by their old names.
    @property
    def aborts(self) -> list[float]:
        return self.stats.get("aborts", [])

    @property
    def read_set(self) -> list[float]:
        return self.stats.get("read_set_mean", [])


def elapsed(record: dict) -> float:
    return float(record["time"][METRIC])


def group(records: list[dict], value=elapsed, missing=None) -> dict[str, Group]:
    """Config key -> Group.  `value(record)` is the sample an ok run gives (default
    its routing time; None where the record has none, and then `missing(record)`
    says why)."""
    groups: dict[str, Group] = {}
    for r in records:
        if is_warmup(r):
            continue
        cfg = config_of(r)
        g = groups.setdefault(cfg.key, Group(cfg))
        if r.get("git_revision"):
            g.revisions.add(r["git_revision"])
        if is_ok(r):
            v = value(r)
            if v is None:
                g.no_metric.append(missing(r) if missing else "no value")
                continue
            g.times.append(v)
            for name in TM_STATS:
                v = tm_stat(r, name)
                if v is not None:
                    g.stats.setdefault(name, []).append(v)
        else:
            g.failures.append((r.get("failure") or {}).get("reason", "unknown"))
    return groups


def median_of(xs):
    """The median of a list, None for an empty one (nothing measured)."""
    return float(statistics.median(xs)) if xs else None
