"""The files and the table a result directory ends with: summary.csv,
allocator_spread.csv and the text summary printed after a suite."""
from __future__ import annotations

import csv
import io
from collections import Counter
from pathlib import Path

from records import machines as per_machine

from . import headline, stats, store


def _csv(rows: list[dict]) -> str:
    buf = io.StringIO()
    if rows:
        w = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        for r in rows:
            w.writerow({k: ("" if v is None else v) for k, v in r.items()})
    return buf.getvalue()


def _per_machine(fn, records: list[dict]) -> list[dict]:
    """fn(records) for one machine; for several, fn per machine's records, each row
    led by a `machine` column (a configuration's statistics never pool two machines)."""
    parts = per_machine.split(records)
    if len(parts) == 1:
        return fn(records)
    return [{"machine": m, **row} for m, recs in parts.items() for row in fn(recs)]


def summary_rows(records: list[dict]) -> list[dict]:
    return _per_machine(stats.summary_rows, records)


def spread_rows(records: list[dict]) -> list[dict]:
    return _per_machine(stats.allocator_spread, records)


def write_summaries(result_dir: Path, records: list[dict], suite: str | None = None) -> list[dict]:
    rows = summary_rows(records)
    suite = suite or next((r["harness"].get("suite") for r in records
                           if (r.get("harness") or {}).get("suite")), result_dir.name)
    parts = per_machine.split(records)
    heads = [headline.headline(recs, suite if m is None else f"{suite} on {m}") for m, recs in parts.items()]
    store.write_atomic(result_dir / "headline.md", "\n".join(heads))
    store.write_atomic(result_dir / "summary.csv", _csv(rows))
    store.write_atomic(result_dir / "allocator_spread.csv", _csv(spread_rows(records)))
    return rows


def table(rows: list[dict], headers: list[str]) -> str:
    cells = [[stats.fmt(r.get(h)) for h in headers] for r in rows]
    widths = [max([len(h)] + [len(c[i]) for c in cells]) for i, h in enumerate(headers)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths))]
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths)) for row in cells]
    return "\n".join(lines)


def markdown_table(rows: list[dict], columns: list[str]) -> str:
    """Chosen summary.csv columns as a Markdown table (what the READMEs quote),
    rows in the summary's order; a column no row has is an error, not a blank."""
    if rows:
        unknown = [c for c in columns if c not in rows[0]]
        if unknown:
            raise KeyError(f"not summary columns: {', '.join(unknown)} (see results/README.md, summary.csv)")
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(stats.fmt(r.get(c)) for c in columns) + " |" for r in rows]
    return "\n".join(lines)


def failures(records: list[dict]) -> list[dict]:
    return [r for r in records if r.get("status") != "ok"]


def text_summary(records: list[dict], rows: list[dict] | None = None) -> str:
    rows = rows if rows is not None else summary_rows(records)
    by_machine = ["machine"] if rows and "machine" in rows[0] else []
    out = []
    if by_machine:
        where = per_machine.nodes(records)
        out += [f"MACHINES DIFFER: the runs come from {len(where)} machines; statistics are per "
                f"machine, never pooled:"]
        out += [f"  {m}: nodes {', '.join(sorted(names))}" for m, names in sorted(where.items())]
        out.append("")
    out.append(table(rows, by_machine + ["config", "runs_ok", "runs_failed", "median_s", "iqr_s",
                                         "ci95_low_s", "ci95_high_s", "speedup_vs_seq", "speedup_vs_1thread"]))
    spread = spread_rows(records)
    if spread:
        out += ["", "allocator spread (slowest/fastest median - 1, bootstrap 95% interval):",
                table(spread, by_machine + stats.spread_columns(spread)
                      + ["fastest", "slowest", "spread", "spread_ci_low", "spread_ci_high", "runs_min"])]
        if any(r.get("spread_ci_low") is None for r in spread):
            out.append("  (no interval where an allocator has fewer than 3 runs: such a spread is a guess)")
    failed = failures(records)
    if failed:
        reasons = Counter((r.get("failure") or {}).get("reason", "unknown") for r in failed)
        out += ["", f"FAILED RUNS: {len(failed)} of {len(records)} "
                    f"({', '.join(f'{k}: {v}' for k, v in sorted(reasons.items()))})"]
        seen: dict[tuple, list] = {}
        for r in failed:  # one line per reason and message, not per run
            h, f = r.get("harness") or {}, r.get("failure") or {}
            msg = " ".join(str(f.get("message", "")).split())[:200]
            seen.setdefault((f.get("reason", "?"), msg), []).append(h.get("config_key", "?"))
        for (reason, msg), keys in sorted(seen.items()):
            configs = sorted(set(keys))
            where = configs[0] if len(configs) == 1 else f"{len(configs)} configurations, e.g. {configs[0]}"
            out.append(f"  {reason} x{len(keys)} runs ({where}): {msg}")
    else:
        out += ["", f"all {len(records)} runs ok"]
    return "\n".join(out)
