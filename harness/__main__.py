"""Command line: /usr/bin/python3 -m harness COMMAND ...  (or harness/lb-harness)."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from . import (ab, comparable, export_gbench, report_html, compare, history, machine_dirs, metrics, report, session,
               slurm, store)
from .suite import SUITES_DIR, SuiteError, load_suite, parse_shard

REPO = session.REPO


def _figures(result_dir: Path, history_file: Path | None = None) -> None:
    import plots  # the plots' public entry (it reads only the result files); matplotlib loads only here
    # Runs from several machines: figures per machine, never pooled (machine_dirs.py).
    per_machine = machine_dirs.split(result_dir)
    for sub in per_machine:
        print(f"machine {sub.name}: {sub}")
    for target in per_machine or [result_dir]:
        for path in plots.render_dir(target, history_file=None if per_machine else history_file):
            print(f"figure: {path}")
    # The reports embed the figures just drawn; with a history, its newest verdicts too.
    rows = None
    if history_file and Path(history_file).is_file():
        entries = history.load(history_file)
        try:
            rows = history.check_latest(entries, window=5)
        except comparable.Refusal as e:
            print(f"report: no history verdicts ({e})")
    records = store.read_records(result_dir)
    if records:
        for path in report_html.write(result_dir, *report_html.suite_report(result_dir, records, rows)):
            print(f"report: {path}")


def _check_bin(a) -> bool:
    a.bin_dir = a.bin_dir.resolve()  # records name the exact binary, whatever the cwd
    if not (a.bin_dir / "labyrinth").is_file():  # a usage error, not a suite of failed runs
        print(f"harness: no labyrinth in {a.bin_dir} (build first, or give --bin-dir)", file=sys.stderr)
        return False
    return True


def cmd_run(a) -> int:
    suite = load_suite(a.suite)
    if a.repetitions:
        suite.repetitions = a.repetitions
    if a.time_limit:
        suite.time_limit_s = a.time_limit
    shard = parse_shard(a.shard) if a.shard else None
    if not _check_bin(a):
        return 2
    out = session.choose_dir(suite, a.runs_root, shard, a.out, a.fresh)
    status = session.run_suite(suite, out, a.bin_dir, a.cache_dir, shard, progress=not a.no_progress)
    if status in (session.EXIT_OK, session.EXIT_FAILED_RUNS) and not a.no_figures:
        _figures(out)
    return status


def cmd_list(a) -> int:
    for p in sorted(SUITES_DIR.glob("*.toml")):
        s = load_suite(str(p))
        n = len(s.configs) * (s.repetitions + s.warmup)
        print(f"{s.name:15} {len(s.configs):4} configurations  {n:5} runs  {s.description}")
    return 0


def cmd_show(a) -> int:
    suite = load_suite(a.suite)
    shard = parse_shard(a.shard) if a.shard else None
    for run in suite.runs(shard):
        print(run.run_id)
    return 0


def cmd_merge(a) -> int:
    status = session.merge(a.out, a.dirs, force=a.force)
    if status == 0 and not a.no_figures:
        _figures(a.out)
    return status


def cmd_summary(a) -> int:
    records = comparable.read_result_dir(a.dir, "result directory")
    rows = report.write_summaries(a.dir, records) if a.dir.is_dir() else report.summary_rows(records)
    print(report.text_summary(records, rows))
    return session.EXIT_FAILED_RUNS if report.failures(records) else 0


def cmd_table(a) -> int:
    records = comparable.read_result_dir(a.dir, "result directory")
    rows = report.summary_rows(records)
    for cond in a.where or []:
        axis, _, value = cond.partition("=")
        rows = [r for r in rows if str(r.get(axis, "")) == value]
    try:
        print(report.markdown_table(rows, a.columns.split(",")))
    except KeyError as e:
        print(f"harness: {e.args[0]}", file=sys.stderr)
        return 2
    return 0


def cmd_compare(a) -> int:
    base, new, header = comparable.prepare(a.base, a.new, a.metric, a.allow_machine_mismatch)
    rows = compare.compare_groups(base, new, a.threshold, a.alpha)
    print("\n".join(header + [compare.mde_line(rows, a.alpha)]) + "\n")
    print(compare.render(rows))
    bad = compare.regressions(rows)
    print(f"\n{len(bad)} significant regression(s) beyond {a.threshold:.0%} (alpha {a.alpha})"
          if bad else f"\nno significant regression beyond {a.threshold:.0%} (alpha {a.alpha})")
    return 1 if bad else 0


def _history_add(result_dir: Path, file: Path, revision: str | None) -> int:
    records = comparable.read_result_dir(result_dir, "result directory")
    comparable.check_one_machine(records, f"result directory {result_dir}")  # one entry per config: one machine
    try:
        m = json.loads((result_dir / "manifest.json").read_text())
        mach = json.loads((result_dir / "machine.json").read_text())
    except (OSError, json.JSONDecodeError):
        m, mach = {}, {}
    entries = history.entries_from_records(records, m.get("suite", "?"), revision, mach)
    history.append(file, entries)
    print(f"history: {len(entries)} configurations of revision {entries[0]['revision'] if entries else '-'} "
          f"added to {file}")
    return 0


def _history_check(file: Path, threshold: float, alpha: float, metric: str = "wall",
                   allow_mismatch: bool = False, window: int = 5) -> int:
    if not file.is_file():
        raise comparable.Refusal(f"history {file}: no such file (history add creates it)")
    entries = history.load(file)
    revs = history.revisions(entries)
    if len(revs) < 2:
        print(f"history: {file} has fewer than two revisions; nothing to compare yet")
        return 0
    earlier = history.window_of(revs, window)
    header = history.check_machines(entries, earlier, revs[-1], allow_mismatch)
    rows = history.check_latest(entries, threshold, alpha, metric, window)
    print(f"history: {revs[-1]} against the pooled samples of {', '.join(earlier)}")
    print("\n".join(header + [f"metric: {metric}: {metrics.DESCRIPTION[metric]}",
                               compare.mde_line(rows, alpha)]) + "\n")
    print(compare.render(rows))
    return 1 if compare.regressions(rows) else 0


def cmd_history(a) -> int:
    if a.action == "add":
        return _history_add(a.dir, a.file, a.revision)
    return _history_check(a.file, a.threshold, a.alpha, a.metric, a.allow_machine_mismatch, a.window)


def cmd_nightly(a) -> int:
    """The CI job: run the nightly suite, add it to the history, gate on regressions."""
    suite = load_suite(a.suite)
    if not _check_bin(a):
        return 2
    out = session.choose_dir(suite, a.runs_root, None, a.out, fresh=False)
    status = session.run_suite(suite, out, a.bin_dir, a.cache_dir, progress=not a.no_progress)
    if status == session.EXIT_INTERRUPTED or status == session.EXIT_USAGE:
        return status
    _history_add(out, a.history, a.revision)
    gate = _history_check(a.history, a.threshold, a.alpha, a.metric, a.allow_machine_mismatch, a.window)
    _figures(out, history_file=a.history)
    return max(status, gate)


def cmd_ab(a) -> int:
    """Paired A/B runs of a suite with two builds; exit 1 on a regression beyond the threshold."""
    suite = load_suite(a.suite)
    if a.repetitions:
        suite.repetitions = a.repetitions
    bins = {}
    for side, d in (("base", a.base), ("new", a.new)):
        if not (d / "labyrinth").is_file():
            print(f"harness ab: no labyrinth in {d} (--{side})", file=sys.stderr)
            return 2
        bins[side] = d.resolve()
    out = a.out or a.runs_root / f"ab-{suite.name}-{session._stamp()}"
    status = ab.run(suite, out, bins, a.cache_dir, a.seed, progress=not a.no_progress)
    if status != session.EXIT_OK:
        return status
    text, rows = ab.summary(store.read_records(out), out, a.threshold, a.metric, a.allow_machine_mismatch,
                            a.seed)
    store.write_atomic(out / f"ab-{a.metric}.txt", text + "\n")
    if not a.no_figures:
        for side in ("base", "new"):  # each side's figures, which the session's report embeds
            _figures(out / side)
    report_html.write(out, *report_html.ab_report(out, text.split("\n\n")[0], rows, a.metric))
    print(text)
    print(f"\nresults: {out}")
    return 1 if ab.gating(rows) else 0


def cmd_export_gbench(a) -> int:
    records = comparable.read_result_dir(a.dir, "result directory")
    out = a.output or a.dir / "gbench.json"
    store.write_json(out, export_gbench.export_dir(a.dir, records))
    print(f"export: {out}")
    return 0


def cmd_figures(a) -> int:
    _figures(a.dir, history_file=a.history)
    return 0


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="harness", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)

    def common_run(sp):
        sp.add_argument("--bin-dir", type=Path, default=REPO / "build/release/bin",
                        help="where labyrinth and labyrinth-gen are (default build/release/bin)")
        sp.add_argument("--cache-dir", type=Path, default=REPO / "results/cache/inputs",
                        help="generated inputs (default results/cache/inputs)")
        sp.add_argument("--runs-root", type=Path, default=REPO / "results/runs")
        sp.add_argument("--out", type=Path, help="result directory (default: resume the newest "
                        "unfinished one of this suite, else results/runs/<suite>-<timestamp>)")
        sp.add_argument("--no-progress", action="store_true")

    sp = sub.add_parser("run", help="run a suite (resumes an unfinished one)")
    sp.add_argument("suite", help="a name in harness/suites/ or a path to a TOML file")
    common_run(sp)
    sp.add_argument("--fresh", action="store_true", help="start a new result directory")
    sp.add_argument("--shard", help="K/N: run only the K-th of N deterministic shares")
    sp.add_argument("--repetitions", type=int, help="override the suite's repetitions")
    sp.add_argument("--time-limit", type=float, help="override the per-run limit (s)")
    sp.add_argument("--no-figures", action="store_true")
    sp.set_defaults(func=cmd_run)

    sp = sub.add_parser("list", help="list the suites")
    sp.set_defaults(func=cmd_list)

    sp = sub.add_parser("show", help="print a suite's runs in execution order")
    sp.add_argument("suite")
    sp.add_argument("--shard")
    sp.set_defaults(func=cmd_show)

    sp = sub.add_parser("merge", help="join result directories (e.g. shards) into one")
    sp.add_argument("out", type=Path)
    sp.add_argument("dirs", type=Path, nargs="+")
    sp.add_argument("--force", action="store_true", help="merge even different suites")
    sp.add_argument("--no-figures", action="store_true")
    sp.set_defaults(func=cmd_merge)

    sp = sub.add_parser("summary", help="recompute and print a result directory's summary")
    sp.add_argument("dir", type=Path)
    sp.set_defaults(func=cmd_summary)

    sp = sub.add_parser("table", help="chosen summary columns of a result directory as a Markdown table")
    sp.add_argument("dir", type=Path)
    sp.add_argument("--columns", default="config,runs_ok,median_s,spread,speedup_vs_seq,cpu_median_s,aborts_median",
                    help="summary.csv columns, comma-separated (results/README.md lists them)")
    sp.add_argument("--where", action="append", help="AXIS=VALUE: only those rows (repeatable)")
    sp.set_defaults(func=cmd_table)

    def gate_opts(sp):
        sp.add_argument("--threshold", type=float, default=0.05,
                        help="a regression must be slower by more than this fraction (default 0.05)")
        sp.add_argument("--alpha", type=float, default=0.05, help="significance level (default 0.05)")
        sp.add_argument("--metric", choices=metrics.METRICS, default="wall",
                        help="what to compare: wall (routing-phase wall time, default), cpu (user+sys), "
                             "instructions (hardware counter, where the kernel has it)")
        sp.add_argument("--allow-machine-mismatch", action="store_true",
                        help="compare results from different machines anyway (the report says so at its top)")
        sp.add_argument("--window", type=int, default=5,
                        help="history: test the newest revision against this many earlier ones, pooled (default 5)")

    sp = sub.add_parser("compare", help="compare two result directories; exit 1 on a regression")
    sp.add_argument("base", type=Path)
    sp.add_argument("new", type=Path)
    gate_opts(sp)
    sp.set_defaults(func=cmd_compare)

    default_history = REPO / "results/history/nightly.jsonl"
    sp = sub.add_parser("history", help="the nightly history: add a result directory, or check the newest")
    sp.add_argument("action", choices=["add", "check"])
    sp.add_argument("dir", type=Path, nargs="?")
    sp.add_argument("--file", type=Path, default=default_history)
    sp.add_argument("--revision", help="label (default: the records' git_revision)")
    gate_opts(sp)
    sp.set_defaults(func=cmd_history)

    sp = sub.add_parser("nightly", help="run a suite, add it to the history, exit 1 on a regression")
    sp.add_argument("--suite", default="nightly")
    common_run(sp)
    sp.add_argument("--history", type=Path, default=default_history)
    sp.add_argument("--revision")
    gate_opts(sp)
    sp.set_defaults(func=cmd_nightly)

    sp = sub.add_parser("ab", help="paired A/B runs of a suite with two builds; exit 1 on a regression")
    sp.add_argument("suite")
    sp.add_argument("--base", type=Path, required=True, help="bin directory of the accepted build")
    sp.add_argument("--new", type=Path, required=True, help="bin directory of the build under test")
    sp.add_argument("--cache-dir", type=Path, default=REPO / "results/cache/inputs")
    sp.add_argument("--runs-root", type=Path, default=REPO / "results/runs")
    sp.add_argument("--out", type=Path, help="session directory (default results/runs/ab-<suite>-<time>); "
                    "the same command again resumes it, or re-reports a finished one")
    sp.add_argument("--no-progress", action="store_true")
    sp.add_argument("--repetitions", type=int, help="pairs per configuration (default: the suite's)")
    sp.add_argument("--seed", type=int, default=0, help="order of configurations and of each pair")
    sp.add_argument("--threshold", type=float, default=0.05,
                    help="a regression is a real change (interval above 1) beyond this (default 0.05)")
    sp.add_argument("--metric", choices=metrics.METRICS, default="cpu",
                    help="what the gate judges (default cpu: whether the code does more work holds "
                         "under load, where wall time does not; wall for what speedup means)")
    sp.add_argument("--allow-machine-mismatch", action="store_true")
    sp.add_argument("--no-figures", action="store_true")
    sp.set_defaults(func=cmd_ab)

    slurm.add_parsers(sub, _figures)

    sp = sub.add_parser("export-gbench", help="a result directory as Google Benchmark JSON (DIR/gbench.json)")
    sp.add_argument("dir", type=Path)
    sp.add_argument("-o", "--output", type=Path, help="where to write (default DIR/gbench.json)")
    sp.set_defaults(func=cmd_export_gbench)

    sp = sub.add_parser("figures", help="render the figures of a result directory")
    sp.add_argument("dir", type=Path)
    sp.add_argument("--history", type=Path)
    sp.set_defaults(func=cmd_figures)

    a = p.parse_args(argv)
    if a.command == "history" and a.action == "add" and a.dir is None:
        p.error("history add needs a result directory")
    if getattr(a, "window", 1) < 1:
        p.error("--window must be at least 1")
    try:
        return a.func(a)
    except SuiteError as e:
        print(f"harness: {e}", file=sys.stderr)
        return 2
    except comparable.Refusal as e:
        print(f"harness {a.command}: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
