"""Running a suite into a result directory: resume, progress, Ctrl-C, shards, merge."""
from __future__ import annotations

import datetime as dt
import fcntl
import json
import signal
import sys
from pathlib import Path

from tqdm import tqdm

from . import infra, inputs, machine, report, runner, store
from .suite import Suite

REPO = Path(__file__).resolve().parent.parent
EXIT_OK, EXIT_FAILED_RUNS, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


def _raise_interrupt(signum, frame):
    raise KeyboardInterrupt


def _stamp() -> str:
    return dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def _manifest(d: Path) -> dict | None:
    return store.read_json(d / "manifest.json")


def choose_dir(suite: Suite, runs_root: Path, shard, out: Path | None, fresh: bool) -> Path:
    """The result directory: the one asked for, else the newest unfinished one of
    the same suite and shard (so re-running resumes), else a new one."""
    if out is not None:
        return out
    shard_tag = f"-shard{shard[0]}of{shard[1]}" if shard else ""
    if not fresh and runs_root.is_dir():
        for d in sorted(runs_root.glob(f"{suite.name}-*"), reverse=True):
            m = _manifest(d)
            if (m and not m.get("complete") and m.get("fingerprint") == suite.fingerprint
                    and m.get("shard") == (list(shard) if shard else None)):
                return d
    new = runs_root / f"{suite.name}-{_stamp()}{shard_tag}"
    n = 1
    while new.exists():  # two suites started within one second: never share a directory
        n += 1
        new = runs_root / f"{suite.name}-{_stamp()}{shard_tag}-{n}"
    return new


def run_suite(suite: Suite, result_dir: Path, bin_dir: Path, cache_dir: Path, shard=None,
              progress: bool = True, log=print) -> int:
    try:
        result_dir.mkdir(parents=True, exist_ok=True)
        # Two harnesses resuming the same directory would run every missing run twice.
        with open(result_dir / ".lock", "w") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                log(f"harness: another harness is running in {result_dir}")
                return EXIT_USAGE
            return _run_locked(suite, result_dir, bin_dir, cache_dir, shard, progress, log)
    except OSError as e:
        if not infra.is_disk_full(e):
            raise
        # Not a run's failure: nothing is recorded for the run it interrupted.
        log(f"\nharness: infrastructure error: the disk is full ({e.strerror}) while writing to "
            f"{result_dir}: the suite stopped.\nharness: free some space and run the same command "
            f"again: the runs not recorded will run then.")
        return infra.EXIT_INFRASTRUCTURE


def _run_locked(suite, result_dir, bin_dir, cache_dir, shard, progress, log) -> int:
    manifest = _manifest(result_dir)
    if manifest and manifest.get("fingerprint") != suite.fingerprint:
        log(f"harness: {result_dir} holds another suite (fingerprint {manifest.get('fingerprint')}, "
            f"this one {suite.fingerprint}); choose another --out")
        return EXIT_USAGE
    plan = suite.runs(shard)
    manifest = manifest or {
        "suite": suite.name, "fingerprint": suite.fingerprint, "shard": list(shard) if shard else None,
        "repetitions": suite.repetitions, "warmup": suite.warmup, "time_limit_s": suite.time_limit_s,
        "planned_runs": len(plan), "started": runner.now_utc(), "bin_dir": str(bin_dir),
        "complete": False,
    }
    store.write_json(result_dir / "manifest.json", manifest)
    if suite.source:
        store.write_atomic(result_dir / "suite.toml", suite.source)
    if not (result_dir / "machine.json").exists():
        store.write_json(result_dir / "machine.json", machine.describe(REPO))

    stale = infra.remove_stale_files(result_dir)  # what a killed harness left (we hold the lock)
    if stale:
        log(f"harness: removed {len(stale)} stale per-run file(s) in {result_dir}: {', '.join(stale[:5])}")
    log_file = store.RunLog(result_dir / store.RUNS)
    done = {(r.get("harness") or {}).get("run_id") for r in store.read_records(result_dir)}
    todo = [r for r in plan if r.run_id not in done]
    if done:
        log(f"harness: resuming {result_dir}: {len(plan) - len(todo)} of {len(plan)} runs already recorded")

    interrupted = False
    bar = tqdm(total=len(plan), initial=len(plan) - len(todo), desc=suite.name, unit="run",
               disable=not progress, file=sys.stderr, dynamic_ncols=True,
               mininterval=0.1 if sys.stderr.isatty() else 10)  # a CI log gets a line per 10 s
    # A CI job cancelled with SIGTERM stops as cleanly as Ctrl-C does.
    old_term = signal.signal(signal.SIGTERM, _raise_interrupt)
    n_failed = 0
    node = machine.node()  # once per process: a suite's process runs on one node
    input_paths, input_errors = {}, {}
    try:
        # Inputs first (a large one takes a while to generate; Ctrl-C here is clean too).
        for name in sorted({r.config.input for r in todo}):
            try:
                input_paths[name] = inputs.resolve(name, cache_dir, bin_dir)
            except inputs.InputError as e:
                input_errors[name] = str(e)
        for run in todo:
            bar.set_postfix_str(f"{run.config.tm} t{run.config.threads} failed={n_failed}", refresh=False)
            if run.config.input in input_errors:
                record = runner.failed_record(run.config, "input", input_errors[run.config.input])
                record["harness"] = {"run_id": run.run_id, "config_key": run.config.key,
                                     "config": run.config.as_dict(), "repetition": run.repetition,
                                     "warmup": run.warmup, "exit_status": None}
            else:
                record = runner.execute(run, input_paths[run.config.input], bin_dir, result_dir,
                                        suite.time_limit_s)
            record["harness"].update(suite=suite.name, fingerprint=suite.fingerprint,
                                     shard=list(shard) if shard else None, node=node)
            log_file.append(record)
            n_failed += record.get("status") != "ok"
            bar.update(1)
    except KeyboardInterrupt:
        interrupted = True
    finally:
        signal.signal(signal.SIGTERM, old_term)
        bar.close()

    records = store.read_records(result_dir)
    rows = report.write_summaries(result_dir, records)
    if interrupted:
        log(f"\nharness: interrupted; {len(records)} of {len(plan)} runs recorded in {result_dir}.\n"
            f"harness: run the same command again to resume.")
        return EXIT_INTERRUPTED
    manifest.update(complete=True, finished=runner.now_utc())
    store.write_json(result_dir / "manifest.json", manifest)
    log(report.text_summary(records, rows))
    log(f"\nresults: {result_dir}")
    return EXIT_FAILED_RUNS if report.failures(records) else EXIT_OK


def merge(out: Path, sources: list[Path], force: bool = False, log=print) -> int:
    """Join result directories (shards of one suite, or re-runs) into one."""
    manifests = [_manifest(s) for s in sources]
    if any(m is None for m in manifests):
        bad = [str(s) for s, m in zip(sources, manifests) if m is None]
        log(f"harness merge: not result directories: {', '.join(bad)}")
        return EXIT_USAGE
    prints = {m["fingerprint"] for m in manifests}
    if len(prints) > 1 and not force:
        log(f"harness merge: the directories ran different suites ({', '.join(sorted(prints))}); "
            f"--force merges them anyway")
        return EXIT_USAGE
    seen, merged, dupes = set(), [], 0
    for s in sources:
        for r in store.read_records(s):
            rid = (r.get("harness") or {}).get("run_id")
            if rid in seen:
                dupes += 1
                continue  # the first directory named wins; a run is never counted twice
            seen.add(rid)
            merged.append(r)
    out.mkdir(parents=True, exist_ok=True)
    store.write_atomic(out / store.RUNS,
                       "".join(json.dumps(r, sort_keys=True, separators=(",", ":")) + "\n" for r in merged))
    machines = []
    for s in sources:
        try:
            machines.append(json.loads((s / "machine.json").read_text()))
        except (OSError, json.JSONDecodeError):
            pass
    machine_doc = dict(machines[0]) if machines else {}
    machine_doc["merged_from"] = [{"dir": str(s), "machine": m} for s, m in zip(sources, machines)]
    store.write_json(out / "machine.json", machine_doc)
    first = manifests[0]
    planned = sum(m.get("planned_runs", 0) for m in manifests)
    store.write_json(out / "manifest.json", {
        "suite": first["suite"], "fingerprint": first["fingerprint"] if len(prints) == 1 else "mixed",
        "shard": None, "merged_from": [str(s) for s in sources], "planned_runs": planned,
        "complete": all(m.get("complete") for m in manifests), "finished": runner.now_utc()})
    src_toml = sources[0] / "suite.toml"
    if src_toml.exists():
        store.write_atomic(out / "suite.toml", src_toml.read_text())
    report.write_summaries(out, merged)
    log(f"harness merge: {len(merged)} runs from {len(sources)} directories into {out}"
        + (f" ({dupes} duplicate runs dropped)" if dupes else ""))
    return EXIT_OK
