"""One run = one `labyrinth` process, judged only by its exit status and its record.

Whatever goes wrong (crash, timeout, missing or inconsistent record, failed
verification, allocator mismatch) comes back as a record with status "failed"
and a failure reason, never as a number.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import signal
import subprocess
import threading
import time
from pathlib import Path

import records

from . import infra, load
from .suite import Config, Run


def command(bin_dir: Path, cfg: Config, input_path: Path, repetition: int, json_path: Path) -> list[str]:
    # The axes' options come from the schema; defaults are left to the binary.
    return ([str(bin_dir / "labyrinth"), "-i", str(input_path)] + cfg.command_options()
            + ["--repetition", str(repetition), "--json", str(json_path)])


def now_utc() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def failed_record(cfg: Config, reason: str, message: str) -> dict:
    """A record for a run that left none of its own (the fields the figures group by)."""
    record = {"schema": records.VERSION, "status": "failed", "failure": {"reason": reason, "message": message}}
    record.update(records.record_fields(cfg))
    record["tm"]["config"] = dict(cfg.tm_opts)
    record.update(result=None, time=None, timestamp=now_utc())
    return record


def judge(record: dict, cfg: Config, exit_status: int) -> tuple[str, str] | None:
    """(reason, message) if a run that wrote a record must count as failed."""
    if record.get("status") == "failed":
        f = record.get("failure") or {}
        return f.get("reason", records.reason_for_exit(exit_status) or "runtime"), f.get("message", "")
    if exit_status != 0:
        return records.reason_for_exit(exit_status) or "runtime", f"status ok in the record but exit {exit_status}"
    result = record.get("result") or {}
    if result.get("verified") is not True:
        return "verification", "the record does not say verified"
    if not isinstance((record.get("time") or {}).get("elapsed_s"), (int, float)):
        return "no-timing", "an ok record without time.elapsed_s"
    # The binary checks its own allocator; checking again costs nothing and
    # keeps a preload that did not take out of the numbers even if it did not.
    # (A sanitizer build owns malloc itself: asking for glibc, "asan"/"tsan" is right.)
    alloc = record.get("allocator") or {}
    allowed = {None, cfg.allocator} | ({"asan", "tsan"} if cfg.allocator == "glibc" else set())
    if "/" not in cfg.allocator and alloc.get("detected") not in allowed:
        return "allocator-mismatch", f"asked for {cfg.allocator}, served by {alloc.get('detected')}"
    if record.get("threads") not in (None, cfg.threads) or (record.get("tm") or {}).get("name") not in (None, cfg.tm):
        return "config-mismatch", "the record describes another configuration than the one asked for"
    return None


def execute(run: Run, input_path: Path, bin_dir: Path, work_dir: Path, time_limit_s: float) -> dict:
    """Run once; return its record (the binary's, or one made for it) plus a `harness` object."""
    cfg = run.config
    json_path = work_dir / f".run-{os.getpid()}.json"
    json_path.unlink(missing_ok=True)
    cmd = command(bin_dir, cfg, input_path, run.repetition, json_path)
    load_before = load.sample()
    start = time.monotonic()
    exit_status, stderr, reason, proc = None, "", None, None
    try:
        try:
            # Own session: a timeout kills the whole process group, and Ctrl-C at the
            # terminal reaches only the harness, which then stops the child itself.
            env = dict(os.environ, **dict(cfg.env)) if cfg.env else None
            # The child dies with the harness, even a harness killed with SIGKILL (infra.py).
            with _interrupts_deferred():
                proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env,
                                        text=True, errors="replace", start_new_session=True,
                                        preexec_fn=infra.die_with_parent(os.getpid()))
        except OSError as e:
            record = failed_record(cfg, "launch", str(e))
        else:
            try:
                _, stderr = proc.communicate(timeout=time_limit_s)
            except subprocess.TimeoutExpired:
                _kill(proc)
                reason = "timeout"
            exit_status = proc.returncode
            no_record = not json_path.exists() or json_path.stat().st_size == 0
            if reason is None and ((exit_status != 0 and infra.disk_full_in(stderr or ""))
                                   or (no_record and infra.no_space_left(work_dir))):
                # Not the run's failure: stop the suite; a resume runs it again.
                raise infra.DiskFull(f"the run could not write its record: {(stderr or '').strip()[-300:]}")
            record = _outcome(cfg, json_path, exit_status, stderr or "", reason, time_limit_s)
    except BaseException:  # Ctrl-C or SIGTERM, at any point: leave no child behind, record nothing
        if proc is not None and proc.returncode is None:
            _kill(proc)
        raise
    finally:
        json_path.unlink(missing_ok=True)  # whatever happened, no stray per-run file
    wall = time.monotonic() - start
    load_after = load.sample()
    record["harness"] = {
        "run_id": run.run_id, "config_key": cfg.key, "config": cfg.as_dict(),
        "repetition": run.repetition, "warmup": run.warmup,
        "exit_status": exit_status, "wall_s": round(wall, 6), "command": cmd, "env": dict(cfg.env),
        "time_limit_s": time_limit_s, "load": load.between(load_before, load_after, wall),
    }
    return record


def _outcome(cfg, json_path, exit_status, stderr, reason, time_limit_s) -> dict:
    tail = stderr.strip()[-800:]
    if reason == "timeout":
        return failed_record(cfg, "timeout", f"killed after the {time_limit_s:g} s time limit")
    record = None
    if json_path.exists():
        try:
            lines = [l for l in json_path.read_text().splitlines() if l.strip()]
            record = json.loads(lines[-1]) if lines else None
        except (json.JSONDecodeError, OSError):
            record = None
    if exit_status < 0:
        sig = signal.Signals(-exit_status).name if -exit_status in signal.Signals._value2member_map_ else str(-exit_status)
        return failed_record(cfg, "crash", f"killed by {sig}; stderr: {tail}")
    if not isinstance(record, dict):
        why = records.reason_for_exit(exit_status) or "no-record"
        return failed_record(cfg, why, f"exit {exit_status} without a readable record; stderr: {tail}")
    verdict = judge(record, cfg, exit_status)
    if verdict:
        record["status"] = "failed"
        record["failure"] = {"reason": verdict[0], "message": verdict[1] or tail}
        record["time"] = None  # a failed run carries no timing, whatever it measured
    bad = records.problems(record)
    if bad:  # never store what the figures could not read as the schema says
        return failed_record(cfg, "invalid-record", f"the record does not validate: {'; '.join(bad[:3])}")
    return record


@contextlib.contextmanager
def _interrupts_deferred():
    """Ctrl-C or SIGTERM while Popen starts the child would leave a child nobody kills
    (Popen is interrupted after the fork, `proc` never set): it would run on, and write
    its per-run file after the harness has gone.  Hold the signal until Popen has
    returned, then raise it, so the handler below kills the child."""
    pending = []
    wanted = (signal.SIGINT, signal.SIGTERM)
    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers are the main thread's; elsewhere nothing to defer
        return
    old = {s: signal.signal(s, lambda signum, frame: pending.append(signum)) for s in wanted}
    try:
        yield
    finally:
        for s, handler in old.items():
            signal.signal(s, handler)
    for s in pending[:1]:
        handler = old[s]
        if callable(handler):
            handler(s, None)  # the harness's own handler: raises KeyboardInterrupt
        elif handler == signal.SIG_DFL:
            raise KeyboardInterrupt


def _kill(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.communicate()  # reap it and close its pipe
