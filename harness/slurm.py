"""A suite as a Slurm job array: one array task per shard, then a merge job.

`harness slurm SUITE` writes, into a directory on a filesystem the nodes share:

    slurm.json      what was asked (suite, tasks, options) and every submission
    suite.toml      the suite as submitted; every task and resubmission reads this copy
    array.sbatch    the job array: task K runs `harness run --shard K/N` into shards/K
    merge.sbatch    the merge job (afterany the array): `harness slurm-merge DIR`
    submit.sh       the two sbatch calls, for submitting by hand
    shards/K/       task K's result directory (an ordinary one: resumable, mergeable)
    tasks/K.json    how task K's harness ended (exit status, node, job), written by the task
    logs/           Slurm's output of each task and of the merge job
    merged/         the whole suite: runs.jsonl, summary, figures, tasks.json

Sharding is `Suite.runs(shard)`'s: by configuration, so every repetition of a
configuration runs in one task, on one node, interleaved with the task's other
configurations.  Resubmitting (the same command again, or --out DIR) submits
only the tasks whose shard is not complete, and each resumes its shard: runs
already recorded are not run again.  The merge turns every planned run that no
shard recorded into a failed record (reason "missing", naming the task and how
it ended), so a task that failed or hit its time limit shows in the summary.
"""
from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

from . import machine_dirs, report, runner, session, store
from .suite import Suite, SuiteError, load_suite

LAUNCHER = session.REPO / "harness" / "lb-harness"
MISSING = "missing"
# Options that only say how Slurm runs the tasks (a resubmission may change them).
PASS_THROUGH = ("partition", "account", "qos", "constraint", "time_per_task", "merge_time", "at_once",
                "exclusive", "cpu_bind", "cpus_per_task")


class SlurmError(RuntimeError):
    pass


# --- the directory -------------------------------------------------------------------------

def load_dir_suite(d: Path) -> tuple[Suite, dict]:
    """The suite a Slurm directory runs (its suite.toml with the options it was written with)."""
    meta = store.read_json(d / "slurm.json")
    if meta is None:
        raise SlurmError(f"{d}: no slurm.json (not a directory written by `harness slurm`)")
    suite = load_suite(str(d / "suite.toml"))
    if meta.get("repetitions"):
        suite.repetitions = meta["repetitions"]
    if meta.get("time_limit_s"):
        suite.time_limit_s = meta["time_limit_s"]
    if suite.fingerprint != meta.get("fingerprint"):
        raise SlurmError(f"{d}: suite.toml no longer matches slurm.json (fingerprint "
                         f"{suite.fingerprint}, recorded {meta.get('fingerprint')})")
    return suite, meta


def shard_dir(d: Path, k: int) -> Path:
    return d / "shards" / str(k)


def shard_done(d: Path, suite: Suite, k: int, n: int) -> bool:
    """Every planned run of shard k recorded (ok or failed) and its harness finished."""
    sd = shard_dir(d, k)
    m = store.read_json(sd / "manifest.json")
    if not m or not m.get("complete"):
        return False
    recorded = {(r.get("harness") or {}).get("run_id") for r in store.read_records(sd)}
    return all(r.run_id in recorded for r in suite.runs((k, n)))


def choose_dir(suite: Suite, root: Path, tasks: int, out: Path | None, fresh: bool) -> Path:
    """--out, else the newest unfinished directory of the same suite and task count
    (so the same command resubmits), else a new one under root."""
    if out is not None:
        return out
    if not fresh and root.is_dir():
        for d in sorted(root.glob(f"{suite.name}-*"), reverse=True):
            meta = store.read_json(d / "slurm.json")
            if meta and meta.get("fingerprint") == suite.fingerprint and meta.get("tasks") == tasks \
                    and not all(shard_done(d, suite, k, tasks) for k in range(1, tasks + 1)):
                return d
    return session.choose_dir(suite, root, None, None, fresh=True)


# --- the scripts ---------------------------------------------------------------------------

def _q(x) -> str:
    return shlex.quote(str(x))


def array_spec(pending: list[int], at_once: int | None) -> str:
    """Slurm's --array value for these task ids, as ranges: [1,2,3,5] -> "1-3,5"."""
    parts, i = [], 0
    while i < len(pending):
        j = i
        while j + 1 < len(pending) and pending[j + 1] == pending[j] + 1:
            j += 1
        parts.append(str(pending[i]) if i == j else f"{pending[i]}-{pending[j]}")
        i = j + 1
    return ",".join(parts) + (f"%{at_once}" if at_once else "")


def _sbatch_lines(opts: dict) -> list[str]:
    lines = []
    for flag in ("partition", "account", "qos", "constraint"):
        if opts.get(flag):
            lines.append(f"#SBATCH --{flag}={opts[flag]}")
    return lines + [f"#SBATCH {x}" for x in opts.get("sbatch_extra") or []]


def array_script(d: Path, suite: Suite, meta: dict, pending: list[int]) -> str:
    n = meta["tasks"]
    opts = ["--bin-dir", meta["bin_dir"], "--cache-dir", meta["cache_dir"], "--no-progress", "--no-figures"]
    if meta.get("repetitions"):
        opts += ["--repetitions", meta["repetitions"]]
    if meta.get("time_limit_s"):
        opts += ["--time-limit", meta["time_limit_s"]]
    cmd = (f"{_q(LAUNCHER)} run {_q(d / 'suite.toml')} --shard \"$task\"/{n} "
           f"--out {_q(d / 'shards')}/\"$task\" " + " ".join(_q(x) for x in opts))
    launch = f"srun --ntasks=1 --cpu-bind={_q(meta['cpu_bind'])} " if meta.get("cpu_bind") else ""
    head = [
        "#!/bin/bash",
        f"# Written by `harness slurm` for suite {suite.name}: array task K runs shard K of {n}",
        "# into shards/K (every repetition of a configuration in one task, on one node).",
        f"#SBATCH --job-name=lb-{suite.name}",
        f"#SBATCH --array={array_spec(pending, meta.get('at_once'))}",
        f"#SBATCH --output={d}/logs/task-%a.out",
        "#SBATCH --open-mode=append",
        f"#SBATCH --cpus-per-task={meta['cpus_per_task']}",
        "#SBATCH --ntasks=1",
    ]
    if meta.get("time_per_task"):
        head.append(f"#SBATCH --time={meta['time_per_task']}")
    if meta.get("exclusive"):
        head.append("#SBATCH --exclusive")
    body = f"""
set -u
task=$SLURM_ARRAY_TASK_ID
export MPLBACKEND=Agg
echo "== task $task of {n}, job ${{SLURM_ARRAY_JOB_ID}}_$task on ${{SLURMD_NODENAME:-$(hostname)}}, $(date -u +%FT%TZ)"
# Slurm ends a task at its time limit (or scancel) with SIGTERM to all its
# processes: the harness records the runs it finished and exits 130; this shell
# waits for it, then writes how the task ended (the merge reads it).
terminated=false
trap 'terminated=true' TERM
{launch}{cmd} &
pid=$!
while :; do
  wait "$pid"; status=$?
  kill -0 "$pid" 2>/dev/null || break
done
mkdir -p {_q(d / "tasks")}
printf '{{"task": %s, "job": "%s", "node": "%s", "exit": %s, "terminated": %s, "ended": "%s"}}\\n' \\
  "$task" "${{SLURM_ARRAY_JOB_ID}}_$task" "${{SLURMD_NODENAME:-$(hostname)}}" "$status" "$terminated" \\
  "$(date -u +%FT%TZ)" > {_q(d / "tasks")}/"$task.json.tmp"
mv {_q(d / "tasks")}/"$task.json.tmp" {_q(d / "tasks")}/"$task.json"
exit "$status"
"""
    return "\n".join(head + _sbatch_lines(meta)) + "\n" + body


def merge_script(d: Path, suite: Suite, meta: dict) -> str:
    head = [
        "#!/bin/bash",
        f"# Written by `harness slurm` for suite {suite.name}: after the array (afterany), merge",
        "# the shards into merged/, mark every run no task recorded, render the figures.",
        f"#SBATCH --job-name=lb-{suite.name}-merge",
        f"#SBATCH --output={d}/logs/merge.out",
        "#SBATCH --open-mode=append",
        "#SBATCH --ntasks=1",
    ]
    if meta.get("merge_time"):
        head.append(f"#SBATCH --time={meta['merge_time']}")
    return "\n".join(head + _sbatch_lines(meta)) + f"""
export MPLBACKEND=Agg
echo "== merge after array job ${{1:-?}}, $(date -u +%FT%TZ)"
exec {_q(LAUNCHER)} slurm-merge {_q(d)} --array-job "${{1:-}}"
"""


def submit_script(d: Path) -> str:
    return f"""#!/bin/sh
# Submits the array, then the merge job to run after it however it ends (afterany).
set -eu
array=$(sbatch --parsable {_q(d / "array.sbatch")})
array=${{array%%;*}}
merge=$(sbatch --parsable --dependency=afterany:"$array" {_q(d / "merge.sbatch")} "$array")
echo "array job $array, merge job ${{merge%%;*}}: results in {d}/merged"
"""


def write(d: Path, suite: Suite, meta: dict) -> list[int]:
    """Write (or rewrite) the directory's scripts; returns the tasks still to run."""
    old = store.read_json(d / "slurm.json")
    if old and (old.get("fingerprint"), old.get("tasks")) != (meta["fingerprint"], meta["tasks"]):
        raise SlurmError(f"{d} holds another suite or task count (fingerprint {old.get('fingerprint')}, "
                         f"{old.get('tasks')} tasks); choose another --out")
    meta["submissions"] = (old or {}).get("submissions", [])
    d.mkdir(parents=True, exist_ok=True)
    for sub in ("shards", "tasks", "logs"):
        (d / sub).mkdir(exist_ok=True)
    if not (d / "suite.toml").exists():
        store.write_atomic(d / "suite.toml", suite.source)
    store.write_json(d / "slurm.json", meta)
    n = meta["tasks"]
    pending = [k for k in range(1, n + 1) if not shard_done(d, suite, k, n)]
    if pending:
        store.write_atomic(d / "array.sbatch", array_script(d, suite, meta, pending))
    store.write_atomic(d / "merge.sbatch", merge_script(d, suite, meta))
    store.write_atomic(d / "submit.sh", submit_script(d))
    (d / "submit.sh").chmod(0o755)
    return pending


def _sbatch(args: list[str]) -> str:
    try:
        p = subprocess.run(["sbatch", "--parsable", *args], capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise SlurmError(f"sbatch: {e}") from None
    if p.returncode != 0:
        raise SlurmError(f"sbatch {' '.join(args)} failed (exit {p.returncode}): {p.stderr.strip()}")
    return p.stdout.strip().split(";")[0]


def submit(d: Path, pending: list[int]) -> tuple[str, str]:
    """Submit the array and its merge job; record both in slurm.json."""
    array = _sbatch([str(d / "array.sbatch")])
    merge = _sbatch([f"--dependency=afterany:{array}", str(d / "merge.sbatch"), array])
    meta = store.read_json(d / "slurm.json")
    meta.setdefault("submissions", []).append({"array_job": array, "merge_job": merge, "tasks": pending,
                                               "submitted": runner.now_utc()})
    store.write_json(d / "slurm.json", meta)
    return array, merge


# --- the merge -----------------------------------------------------------------------------

def task_states(array_job: str | None) -> dict[int, dict]:
    """task -> Slurm's JobState, node and exit code, as slurmctld still remembers them
    (for MinJobAge after the end); {} when it does not or scontrol is not there."""
    if not array_job:
        return {}
    try:
        p = subprocess.run(["scontrol", "-o", "show", "job", array_job], capture_output=True,
                           text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return {}
    out = {}
    for line in p.stdout.splitlines() if p.returncode == 0 else []:
        f = dict(m.groups() for m in re.finditer(r"(\w+)=(\S*)", line))
        if f.get("ArrayTaskId", "").isdigit():
            out[int(f["ArrayTaskId"])] = {"state": f.get("JobState"), "node": f.get("NodeList"),
                                          "exit_code": f.get("ExitCode")}
    return out


def _how_it_ended(status: dict | None, state: dict | None) -> str:
    """One line: Slurm's state for the task, the harness's exit, the node."""
    bits = []
    if state and state.get("state"):
        bits.append(f"Slurm: {state['state']}")
    if status:
        bits.append(f"harness exit {status.get('exit')}" + (" on SIGTERM" if status.get("terminated") else ""))
        node = status.get("node")
    else:
        bits.append("no end reported: not started, or killed")
        node = (state or {}).get("node")
    if node and node != "(null)":
        bits.append(f"node {node}")
    return "; ".join(bits)


def merge(d: Path, array_job: str | None = None, log=print) -> int:
    """Merge the shards into d/merged; every planned run no shard recorded becomes a
    failed record (reason "missing") that says which task and how it ended."""
    suite, meta = load_dir_suite(d)
    n = meta["tasks"]
    out = d / "merged"
    array_job = array_job or ((meta.get("submissions") or [{}])[-1]).get("array_job")
    states = task_states(array_job)
    sources = [shard_dir(d, k) for k in range(1, n + 1) if (shard_dir(d, k) / "manifest.json").exists()]
    if sources:
        status = session.merge(out, sources, log=log)
        if status != session.EXIT_OK:
            return status
    else:
        out.mkdir(parents=True, exist_ok=True)
        store.write_atomic(out / store.RUNS, "")
    records = store.read_records(out)
    recorded = {(r.get("harness") or {}).get("run_id") for r in records}
    tasks, missing = [], []
    for k in range(1, n + 1):
        status = store.read_json(d / "tasks" / f"{k}.json")
        plan = suite.runs((k, n))
        lost = [run for run in plan if run.run_id not in recorded]
        ended = _how_it_ended(status, states.get(k))
        tasks.append({"task": k, "planned_runs": len(plan), "missing_runs": len(lost), "status": status,
                      "slurm": states.get(k), "ended": ended})
        for run in lost:
            rec = runner.failed_record(run.config, MISSING,
                                       f"array task {k} of {n} did not record this run ({ended})")
            rec["harness"] = {"run_id": run.run_id, "config_key": run.config.key, "config": run.config.as_dict(),
                              "repetition": run.repetition, "warmup": run.warmup, "exit_status": None,
                              "suite": suite.name, "fingerprint": suite.fingerprint, "shard": [k, n],
                              "task": k}
            missing.append(rec)
    if missing:
        log_file = store.RunLog(out / store.RUNS)
        for rec in missing:
            log_file.append(rec)
        records += missing
    manifest = store.read_json(out / "manifest.json") or {}
    manifest.update(suite=suite.name, fingerprint=suite.fingerprint, shard=None,
                    planned_runs=len(suite.runs()), complete=not missing, finished=runner.now_utc(),
                    slurm_array_job=array_job, missing_runs=len(missing))
    store.write_json(out / "manifest.json", manifest)
    store.write_atomic(out / "suite.toml", suite.source)
    store.write_json(out / "tasks.json", tasks)
    rows = report.write_summaries(out, records, suite.name)
    log(report.text_summary(records, rows))
    bad = [t for t in tasks if t["missing_runs"]]
    for t in bad:
        log(f"task {t['task']} of {n}: {t['missing_runs']} of {t['planned_runs']} runs missing ({t['ended']})")
    if bad:
        log(f"resubmit the unfinished tasks (recorded runs are kept): harness slurm --out {d} --submit")
    log(f"\nresults: {out}")
    return session.EXIT_FAILED_RUNS if report.failures(records) else session.EXIT_OK


# --- the command ---------------------------------------------------------------------------

def plan(a) -> tuple[Path, Suite, dict]:
    """From `harness slurm`'s arguments: the directory, the suite and slurm.json's content."""
    if a.out is not None and (a.out / "slurm.json").exists() and a.suite is None:
        suite, meta = load_dir_suite(a.out)
        for key in PASS_THROUGH:  # a resubmission may change how, never what, it runs
            if getattr(a, key, None):
                meta[key] = getattr(a, key)
        return a.out.resolve(), suite, meta
    if a.suite is None:
        raise SuiteError("harness slurm: name a suite (or --out DIR of an earlier submission)")
    suite = load_suite(a.suite)
    if a.repetitions:
        suite.repetitions = a.repetitions
    if a.time_limit:
        suite.time_limit_s = a.time_limit
    tasks = min(a.tasks, len(suite.configs))  # a task per configuration at most: no empty tasks
    if tasks < 1:
        raise SuiteError("--tasks must be >= 1")
    if a.at_once is not None and a.at_once < 1:
        raise SuiteError("--at-once must be >= 1")
    d = choose_dir(suite, a.results_root, tasks, a.out, a.fresh).resolve()
    meta = {"suite": suite.name, "fingerprint": suite.fingerprint, "tasks": tasks,
            "configurations": len(suite.configs), "runs": len(suite.runs()),
            "repetitions": a.repetitions, "time_limit_s": a.time_limit,
            "bin_dir": str(a.bin_dir.resolve()), "cache_dir": str(a.cache_dir.resolve()),
            "cpus_per_task": a.cpus_per_task or max(c.threads for c in suite.configs),
            "partition": a.partition, "account": a.account, "qos": a.qos, "constraint": a.constraint,
            "time_per_task": a.time_per_task, "merge_time": a.merge_time, "at_once": a.at_once,
            "exclusive": a.exclusive, "cpu_bind": a.cpu_bind, "sbatch_extra": a.sbatch or []}
    return d, suite, meta


def command(a) -> int:
    try:
        d, suite, meta = plan(a)
        if not (Path(meta["bin_dir"]) / "labyrinth").is_file():  # every task would fail on it
            raise SlurmError(f"no labyrinth in {meta['bin_dir']} (build first, or give --bin-dir as the "
                             f"nodes see it)")
        pending = write(d, suite, meta)
        n = meta["tasks"]
        print(f"harness slurm: {suite.name}: {meta['configurations']} configurations, {meta['runs']} runs "
              f"in {n} array tasks; {d}")
        if not pending:
            print("harness slurm: every task's shard is complete; nothing to submit "
                  f"(merge: harness slurm-merge {d})")
            return 0
        if len(pending) < n:
            print(f"harness slurm: tasks {array_spec(pending, None)} still have runs to do "
                  f"(the others are complete)")
        if not a.submit:
            print(f"harness slurm: submit with {d / 'submit.sh'} (or again with --submit)")
            return 0
        array, merge_job = submit(d, pending)
        print(f"harness slurm: submitted array job {array} ({len(pending)} tasks) and merge job "
              f"{merge_job}; results in {d / 'merged'}")
        return 0
    except SlurmError as e:
        print(f"harness slurm: {e}", file=sys.stderr)
        return session.EXIT_USAGE


def merge_command(a) -> int:
    d = a.dir.resolve()
    try:
        status = merge(d, a.array_job or None)
    except SlurmError as e:
        print(f"harness slurm-merge: {e}", file=sys.stderr)
        return session.EXIT_USAGE
    if status in (session.EXIT_OK, session.EXIT_FAILED_RUNS) and not a.no_figures:
        a.figures(d / "merged")  # one directory per machine when the nodes differ (machine_dirs.py)
    else:
        machine_dirs.split(d / "merged")
    return status


def add_parsers(sub, figures) -> None:
    sp = sub.add_parser("slurm", help="write (and --submit) a suite as a Slurm job array and a merge job")
    sp.add_argument("suite", nargs="?", help="a suite name or TOML file (leave out with --out DIR "
                    "of an earlier submission to resubmit it)")
    sp.add_argument("--bin-dir", type=Path, default=session.REPO / "build/release/bin",
                    help="labyrinth's directory, as the nodes see it (default build/release/bin)")
    sp.add_argument("--cache-dir", type=Path, default=session.REPO / "results/cache/inputs",
                    help="generated inputs, shared by the tasks (default results/cache/inputs)")
    sp.add_argument("--out", type=Path, help="the directory (default: resubmit the newest unfinished "
                    "one of this suite, else results/slurm/<suite>-<timestamp>)")
    sp.add_argument("--results-root", type=Path, default=session.REPO / "results/slurm",
                    help="where new directories go; must be on a filesystem the nodes share "
                    "(default results/slurm)")
    sp.add_argument("--fresh", action="store_true", help="a new directory, even if an unfinished one exists")
    sp.add_argument("--tasks", type=int, default=8, help="array tasks = shards (default 8, at most "
                    "one per configuration)")
    sp.add_argument("--submit", action="store_true", help="submit with sbatch after writing")
    sp.add_argument("--repetitions", type=int, help="override the suite's repetitions")
    sp.add_argument("--time-limit", type=float, help="override the per-run limit (s)")
    g = sp.add_argument_group("passed to Slurm")
    g.add_argument("--partition")
    g.add_argument("--account")
    g.add_argument("--qos")
    g.add_argument("--constraint", help="node features, e.g. to keep a suite on one CPU model")
    g.add_argument("--time-per-task", help="each task's time limit, in Slurm's format (e.g. 4:00:00)")
    g.add_argument("--merge-time", help="the merge job's time limit")
    g.add_argument("--at-once", type=int, help="at most this many tasks at once (--array=...%%K)")
    g.add_argument("--exclusive", action="store_true", help="a node to each task alone (no noisy neighbours)")
    g.add_argument("--cpu-bind", help="srun --cpu-bind value for the task's harness (e.g. cores)")
    g.add_argument("--cpus-per-task", type=int, help="default: the suite's largest thread count")
    g.add_argument("--sbatch", action="append", metavar="OPTION",
                   help="any other sbatch option, e.g. --sbatch=--mem=8G (repeatable)")
    sp.set_defaults(func=command)

    sp = sub.add_parser("slurm-merge", help="merge a Slurm directory's shards (the merge job runs this)")
    sp.add_argument("dir", type=Path)
    sp.add_argument("--array-job", help="the array's job id, to ask Slurm how its tasks ended")
    sp.add_argument("--no-figures", action="store_true")
    sp.set_defaults(func=merge_command, figures=figures)
