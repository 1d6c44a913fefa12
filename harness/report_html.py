"""Reports people read: a self-contained HTML page (tables, the figures embedded,
regressions highlighted) and a Markdown summary a CI job can post, per result
directory, per A/B session and for the nightly history.

Hand-written HTML from the standard library's escaping: the page is a few tables
and images, and no templating package is in Debian's python3 set the harness uses.
"""
from __future__ import annotations

import base64
import html
from collections import Counter
from pathlib import Path

from . import comparable, report, stats, store

CSS = """body{font-family:sans-serif;margin:1.5em;color:#222}table{border-collapse:collapse;margin:.5em 0 1.5em}
td,th{border:1px solid #ccc;padding:2px 6px;font-size:13px;text-align:left}th{background:#eee}
tr.regression td,tr.failing td{background:#fdd;font-weight:bold}tr.improvement td{background:#dfd}
tr.inconclusive td{color:#666}tr.failed td{background:#fee}.warn{background:#ffd;padding:.5em;border:1px solid #cc0}
img{max-width:100%;border:1px solid #ddd;margin:.5em 0}"""

VERDICT_CLASS = {"regression": "regression", "REGRESSION": "regression", "FAILING": "failing",
                 "FAILING with NEW": "failing", "improvement": "improvement", "inconclusive": "inconclusive"}


def _fmt(v) -> str:
    return stats.fmt(v) if not isinstance(v, str) else v


def html_table(rows: list[dict], cols: list[str], row_class=None) -> str:
    head = "".join(f"<th>{html.escape(c)}</th>" for c in cols)
    body = []
    for r in rows:
        cls = row_class(r) if row_class else ""
        cells = "".join(f"<td>{html.escape(_fmt(r.get(c)))}</td>" for c in cols)
        body.append(f'<tr class="{cls}">{cells}</tr>' if cls else f"<tr>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def md_table(rows: list[dict], cols: list[str]) -> str:
    out = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    out += ["| " + " | ".join(_fmt(r.get(c)).replace("|", "\\|") for c in cols) + " |" for r in rows]
    return "\n".join(out)


def figures_html(fig_dir: Path) -> str:
    """Every PNG of a figures directory, embedded (the page stands alone)."""
    parts = []
    for p in sorted(Path(fig_dir).glob("*.png")):
        data = base64.b64encode(p.read_bytes()).decode()
        parts.append(f'<figure><img alt="{html.escape(p.stem)}" src="data:image/png;base64,{data}">'
                     f"<figcaption>{html.escape(p.name)}</figcaption></figure>")
    return "".join(parts)


def page(title: str, sections: list[tuple[str, str]]) -> str:
    body = "".join(f"<h2>{html.escape(h)}</h2>{content}" if h else content for h, content in sections)
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            f"<style>{CSS}</style></head><body><h1>{html.escape(title)}</h1>{body}</body></html>\n")


def _lines_html(lines: list[str]) -> str:
    return "<pre>" + html.escape("\n".join(lines)) + "</pre>" if lines else ""


SUMMARY_COLS = ["config", "runs_ok", "runs_failed", "median_s", "ci95_low_s", "ci95_high_s", "cpu_median_s",
                "speedup_vs_seq", "speedup_vs_seq_ci_low", "speedup_vs_seq_ci_high", "aborts_median",
                "peak_rss_kb_median", "failure_reasons"]
AB_COLS = ["config", "pairs", "ratio", "ci_low", "ci_high", "verdict", "reps_needed", "base_failed", "new_failed"]


def suite_report(result_dir: Path, records: list[dict], history_rows: list[dict] | None = None) -> tuple[str, str]:
    """(html, markdown) for a result directory."""
    rows = report.summary_rows(records)
    cols = [c for c in SUMMARY_COLS if any(c in r for r in rows)]
    suite = next(((r.get("harness") or {}).get("suite") for r in records if (r.get("harness") or {}).get("suite")),
                 Path(result_dir).name)
    revs = sorted({r["git_revision"] for r in records if r.get("git_revision")}) or ["unknown"]
    facts = comparable.machine_facts(records, result_dir)
    failed = report.failures(records)
    title = f"{suite}: {len(rows)} configurations, {len(records)} runs"
    head = [f"revision {', '.join(revs)}", f"machine: {comparable.describe_machine(facts)}"]
    head += comparable.load_lines({"runs": records})
    spread = report.spread_rows(records)
    sections = [("", _lines_html(head)),
                ("Configurations", html_table(rows, cols, lambda r: "failed" if r.get("runs_failed") else ""))]
    if spread:
        sections.append(("Allocator spread (slowest / fastest median - 1, bootstrap 95% interval)",
                         html_table(spread, stats.spread_columns(spread)
                                    + ["fastest", "slowest", "spread", "spread_ci_low", "spread_ci_high", "runs_min"])))
    reasons = Counter((r.get("failure") or {}).get("reason", "unknown") for r in failed)
    sections.append(("Failed runs", f'<p class="warn">{len(failed)} of {len(records)} runs failed: '
                     + html.escape(", ".join(f"{k} x{v}" for k, v in sorted(reasons.items()))) + "</p>"
                     if failed else f"<p>all {len(records)} runs ok</p>"))
    if history_rows:
        sections.append(("Nightly history: newest revision against the window before it",
                         html_table(history_rows, ["config", "n_base", "n_new", "change", "p_adjusted", "verdict"],
                                    lambda r: VERDICT_CLASS.get(r.get("verdict"), ""))))
    sections.append(("Figures", figures_html(Path(result_dir) / "figures") or "<p>no figures</p>"))
    md = [f"## {title}", "", *[f"- {h}" for h in head[:2]], "",
          f"**{len(failed)} failed runs**" + (f" ({', '.join(f'{k} x{v}' for k, v in sorted(reasons.items()))})"
                                              if failed else ""), ""]
    bad = [r for r in (history_rows or []) if r.get("verdict") in ("REGRESSION", "FAILING")]
    if history_rows is not None:
        md += [f"**{len(bad)} regression(s)** against the history", ""]
        if bad:
            md += [md_table(bad, ["config", "change", "p_adjusted", "verdict"]), ""]
    md += [md_table(rows, ["config", "runs_ok", "runs_failed", "median_s", "speedup_vs_seq"]), ""]
    return page(title, sections), "\n".join(md) + "\n"


def ab_report(out: Path, header: str, rows: list[dict], metric: str) -> tuple[str, str]:
    """(html, markdown) for an A/B session: the verdicts, regressions first."""
    order = {"FAILING with NEW": 0, "regression": 1, "inconclusive": 2, "improvement": 3, "no change": 4}
    rows = sorted(rows, key=lambda r: (order.get(r["verdict"], 5), r["config"]))
    counts = Counter(r["verdict"] for r in rows)
    title = f"A/B {Path(out).name}: " + ", ".join(f"{n} {v}" for v, n in counts.most_common())
    sections = [("", _lines_html(header.splitlines())),
                (f"Verdicts ({metric})", html_table(rows, AB_COLS, lambda r: VERDICT_CLASS.get(r["verdict"], "")))]
    for side in ("base", "new"):
        figs = figures_html(Path(out) / side / "figures")
        if figs:
            sections.append((f"Figures: {side}", figs))
    gating = [r for r in rows if r["verdict"] in ("regression", "FAILING with NEW")]
    md = [f"## {title}", "", *[f"- {l}" for l in header.splitlines()[:4]], "",
          f"**{len(gating)} regression(s)**", ""]
    shown = [r for r in rows if r["verdict"] != "no change"]
    if shown:
        md += [md_table(shown, AB_COLS), ""]
    return page(title, sections), "\n".join(md) + "\n"


def write(directory: Path, html_text: str, md_text: str) -> list[Path]:
    paths = [Path(directory) / "report.html", Path(directory) / "report.md"]
    store.write_atomic(paths[0], html_text)
    store.write_atomic(paths[1], md_text)
    return paths
