"""Suites: TOML files that expand into an ordered list of runs.

A suite file has a [suite] table (name, repetitions, warmup, time_limit_s, seed)
and one or more [[matrix]] tables.  Each matrix is a Cartesian product of its
axes; the suite is the union of its matrices (duplicates collapse), which lets a
suite say "seq at 1 thread only, the others at 1, 2 and 4" without exceptions.
"""
from __future__ import annotations

import hashlib
import itertools
import os
import re
import json
import random
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from records import AXES as _AXES, Config

SUITES_DIR = Path(__file__).resolve().parent / "suites"

# Axis name in the TOML -> default when a matrix leaves it out, as the schema
# declares them (schema/run.schema.json, x-axes): the binary's own defaults
# (STAMP's STM build, glibc malloc), so a run that does not mention an axis is
# the same run the binary would do without the flag.
AXES: dict[str, object] = {a["name"]: a["default"] for a in _AXES}
# The TOML spells list-valued axes in the plural where that reads better.
PLURALS = {"inputs": "input", "tms": "tm", "allocators": "allocator"}


class SuiteError(ValueError):
    pass


@dataclass(frozen=True)
class Run:
    config: Config
    repetition: int   # 0-based among measured runs; warm-ups count down from -1
    warmup: bool

    @property
    def run_id(self) -> str:
        return f"{self.config.key}#{'w' if self.warmup else 'r'}{abs(self.repetition)}"


@dataclass
class Suite:
    name: str
    description: str
    repetitions: int
    warmup: int
    time_limit_s: float
    seed: int
    configs: list[Config]
    source: str = ""            # the TOML text, kept so a result dir says what it ran
    figures: list[str] = field(default_factory=list)

    @property
    def fingerprint(self) -> str:
        """Changes whenever the set of runs changes, so a resume never mixes two suites."""
        text = json.dumps([[c.key for c in self.configs], self.repetitions, self.warmup, self.seed])
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def runs(self, shard: tuple[int, int] | None = None) -> list[Run]:
        """All runs in execution order, optionally only shard K of N.

        Order is interleaved: warm-up rounds first, then one round per repetition,
        each round visiting every configuration in its own seeded shuffle, so slow
        drift of the machine spreads over all configurations instead of landing
        on one.  Sharding splits by configuration (all repetitions of a
        configuration stay on one machine, so they are comparable).
        """
        configs = self.configs
        if shard is not None:
            k, n = shard
            configs = [c for i, c in enumerate(sorted(self.configs, key=lambda c: c.key))
                       if i % n == k - 1]
        rng = random.Random(self.seed)
        order: list[Run] = []
        for w in range(self.warmup):
            for c in _shuffled(configs, rng):
                order.append(Run(c, -(w + 1), True))
        for r in range(self.repetitions):
            for c in _shuffled(configs, rng):
                order.append(Run(c, r, False))
        return order


def _shuffled(items, rng):
    items = list(items)
    rng.shuffle(items)
    return items


def parse_shard(text: str) -> tuple[int, int]:
    try:
        k, n = (int(x) for x in text.split("/"))
    except ValueError:
        raise SuiteError(f"--shard wants K/N (e.g. 1/3), not {text!r}") from None
    if not (n >= 1 and 1 <= k <= n):
        raise SuiteError(f"--shard {text}: need 1 <= K <= N")
    return k, n


def find_suite(name_or_path: str) -> Path:
    p = Path(name_or_path)
    if p.suffix == ".toml" or p.is_file():
        return p
    p = SUITES_DIR / f"{name_or_path}.toml"
    if not p.exists():
        known = ", ".join(sorted(q.stem for q in SUITES_DIR.glob("*.toml")))
        raise SuiteError(f"no suite {name_or_path!r} (known: {known})")
    return p


def load_suite(name_or_path: str) -> Suite:
    path = find_suite(name_or_path)
    text = path.read_text()
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise SuiteError(f"{path}: {e}") from None
    return parse_suite(data, source=text, default_name=path.stem)


def parse_suite(data: dict, source: str = "", default_name: str = "suite") -> Suite:
    head = data.get("suite", {})
    unknown = set(head) - {"name", "description", "repetitions", "warmup", "time_limit_s",
                           "seed", "figures"}
    if unknown:
        raise SuiteError(f"[suite] has unknown keys: {sorted(unknown)}")
    matrices = data.get("matrix", [])
    if not matrices:
        raise SuiteError("a suite needs at least one [[matrix]]")
    configs: dict[str, Config] = {}
    for i, m in enumerate(matrices):
        for c in expand_matrix(m, where=f"matrix #{i + 1}"):
            configs.setdefault(c.key, c)
    suite = Suite(name=head.get("name", default_name),
                  description=head.get("description", ""),
                  repetitions=int(head.get("repetitions", 3)),
                  warmup=int(head.get("warmup", 1)),
                  time_limit_s=float(head.get("time_limit_s", 60)),
                  seed=int(head.get("seed", 0)),
                  configs=list(configs.values()),
                  source=source,
                  figures=list(head.get("figures", [])))
    if suite.repetitions < 1 or suite.warmup < 0 or suite.time_limit_s <= 0:
        raise SuiteError("need repetitions >= 1, warmup >= 0 and time_limit_s > 0")
    return suite


RELATIVE = re.compile(r"^(?:(\d+)\s*\*\s*)?cores$")
POWERS = re.compile(r"^powers of two to (.+)$")


def relative_threads(values: list, where: str, cores: int | None = None) -> list[int]:
    """Thread counts relative to this machine: "cores", "K*cores", and "powers of two to
    LIMIT" (1, 2, 4, ... up to LIMIT, a number or one of those, and LIMIT itself).  The
    suite's configurations (and its fingerprint) then depend on the machine it runs on."""
    cores = cores or os.cpu_count() or 1

    def one(v):
        if isinstance(v, int) and not isinstance(v, bool):
            return v
        if str(v).strip().isdigit():
            return int(str(v).strip())
        m = RELATIVE.match(str(v).strip())
        if m:
            return int(m.group(1) or 1) * cores
        raise SuiteError(f"{where}: threads {v!r}: a number, 'cores', 'K*cores' or 'powers of two to LIMIT'")

    out: list[int] = []
    for v in values:
        m = POWERS.match(str(v).strip()) if isinstance(v, str) else None
        if m:
            limit, t = one(m.group(1).strip()), 1
            while t < limit:
                out.append(t)
                t *= 2
            out.append(limit)
        else:
            out.append(one(v))
    return list(dict.fromkeys(out))


def expand_matrix(m: dict, where: str) -> list[Config]:
    axes: dict[str, list] = {}
    for key, value in m.items():
        name = PLURALS.get(key, key)
        if name not in AXES:
            raise SuiteError(f"{where}: unknown axis {key!r} (axes: {', '.join(AXES)})")
        if name in axes:
            raise SuiteError(f"{where}: axis {name!r} given twice")
        values = value if isinstance(value, list) else [value]
        if not values:
            raise SuiteError(f"{where}: axis {key!r} is empty")
        if name == "threads":
            values = relative_threads(values, where)
        axes[name] = values
    if "input" not in axes:
        raise SuiteError(f"{where}: needs inputs")
    names = list(AXES)
    lists = [axes.get(n, [AXES[n]]) for n in names]
    out = []
    for combo in itertools.product(*lists):
        d = dict(zip(names, combo))
        for table in (n for n, default in AXES.items() if isinstance(default, dict)):
            if not isinstance(d[table], dict):
                raise SuiteError(f"{where}: {table} entries are tables, e.g. {{ KEY = \"value\" }}")
        if d["tm"] == "seq" and int(d["threads"]) != 1:
            continue  # seq is one thread by definition: skip rather than record a failure
        try:
            c = Config.from_dict(d)
        except (TypeError, ValueError) as e:
            raise SuiteError(f"{where}: {e}") from None
        if c.threads < 1:
            raise SuiteError(f"{where}: threads must be >= 1")
        out.append(c)
    return out
