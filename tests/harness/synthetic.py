"""Synthetic records for the statistics tests: chosen numbers, known answers."""
import itertools

_ids = itertools.count()


def record(tm="stm", threads=1, elapsed=1.0, allocator="glibc", snapshot="raw", private="direct",
           input_name="in", status="ok", warmup=False, revision="rev1", aborts=0, read_set=10.0,
           reason="crash"):
    cfg = {"input": input_name, "tm": tm, "tm_opts": {}, "threads": threads, "snapshot": snapshot,
           "private": private, "allocator": allocator, "private_memory": "malloc", "page_size": None}
    from harness.suite import Config
    key = Config.from_dict(cfg).key
    r = {"schema": "labyrinth-bench/run/1", "status": status, "git_revision": revision,
         "timestamp": f"2026-01-01T00:00:{next(_ids) % 60:02d}Z",
         "harness": {"config": cfg, "config_key": key, "warmup": warmup, "run_id": f"{key}#{next(_ids)}"},
         "tm_stats": {"aborts_validation": aborts, "aborts_locked": 0, "aborts_explicit": 0,
                      "aborts_other": 0, "read_set_mean": read_set}}
    if status == "ok":
        r["time"] = {"elapsed_s": elapsed}
        r["failure"] = None
    else:
        r["time"] = None
        r["failure"] = {"reason": reason, "message": "synthetic"}
    return r


def runs(times, **kw):
    return [record(elapsed=t, **kw) for t in times]
