"""harness slurm against a real Slurm: a single-node cluster on localhost (slurm_cluster.py).

One tiny suite as an array of 3 tasks; in task 2 one run (lock, 2 threads, second
repetition) hangs until Slurm's time limit ends the task: the merged summary shows its runs as missing (never silently absent);
resubmitting runs only that task, keeps every recorded run, and the merged result
is then the one-process run's, apart from timings and node names.

Run as a script (CTest does): exit 77 (CTest's "skipped") when Slurm cannot start
here, with the reason; the test never passes without a Slurm.
"""
import copy
import csv
import json
import sys
import unittest

from helpers import FAKE_BIN, TempDirTest, tiny_suite
from harness import store

import slurm_cluster

CLUSTER = None
WHY_NOT = None


def setUpModule():
    global CLUSTER, WHY_NOT
    try:
        CLUSTER = slurm_cluster.LocalSlurm()
    except slurm_cluster.Unavailable as e:
        WHY_NOT = f"no local Slurm cluster: {e}"
        raise unittest.SkipTest(WHY_NOT)


def tearDownModule():
    if CLUSTER is not None:
        CLUSTER.stop()


def comparable(record):
    """A record without what differs between two runs of the same run: timings and the
    machine's load around them, when, where (node, shard, the per-run file in the command)."""
    r = copy.deepcopy(record)
    for k in ("time", "timestamp"):
        r.pop(k, None)
    for k in ("wall_s", "load", "node", "shard", "command"):
        r["harness"].pop(k, None)
    return r


def by_run(d):
    return {r["harness"]["run_id"]: r for r in store.read_records(d)}


def summary(d):
    with open(d / "summary.csv") as f:
        rows = list(csv.DictReader(f))
    return [{k: v for k, v in row.items() if not k.endswith("_s") and not k.startswith("speedup")}
            for row in rows]


class SlurmArrayTest(TempDirTest):
    TASKS = 3
    WAIT_S = 300  # Slurm enforces time limits in whole minutes: the timed-out task takes 1-2 min

    def slurm_cli(self, *args, hang=False):
        env = dict(CLUSTER.env)
        if hang:
            env.update(FAKE_LB_HANG="lock,2,1", FAKE_LB_HANG_WHILE=str(self.tmp / "hang"))
        else:
            env.pop("FAKE_LB_HANG", None)
        r = self.harness_cli("slurm", *args, env=env)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        return r.stdout

    def wait(self, d):
        if not CLUSTER.wait_idle(self.WAIT_S):
            self.fail(f"jobs still queued after {self.WAIT_S} s: {CLUSTER.jobs()}\n{CLUSTER.logs()}")
        self.assertTrue((d / "merged" / "manifest.json").exists(),
                        f"the merge job left no result; its log:\n{self.log(d, 'merge.out')}")

    @staticmethod
    def log(d, name):
        p = d / "logs" / name
        return p.read_text(errors="replace") if p.exists() else f"(no {name})"

    def test_array_timeout_resume_and_same_result_as_one_process(self):
        s = tiny_suite(limit=600)
        suite_file = self.tmp / "tiny.toml"
        suite_file.write_text(s.source)
        reference = self.tmp / "one-process"
        self.assertEqual(self.run_quiet(s, reference), 0)

        # 1. The array: task 2 (lock and stm at 2 threads) hangs until its 1-minute limit.
        (self.tmp / "hang").touch()
        d = self.tmp / "slurm"
        out = self.slurm_cli(suite_file, "--out", d, "--tasks", self.TASKS, "--bin-dir", FAKE_BIN,
                             "--cache-dir", self.tmp / "cache", "--time-per-task", "1", "--cpus-per-task", 1,
                             "--at-once", 2, "--partition", slurm_cluster.PARTITION, "--submit", hang=True)
        self.assertIn("submitted array job", out)
        self.assertIn(f"#SBATCH --array=1-{self.TASKS}%2", (d / "array.sbatch").read_text())
        self.wait(d)
        merged = d / "merged"
        recs = by_run(merged)
        self.assertEqual(set(recs), {r.run_id for r in s.runs()}, "every planned run is in the merge")
        lost = {k: r for k, r in recs.items() if (r.get("failure") or {}).get("reason") == "missing"}
        shard2 = s.runs((2, self.TASKS))
        hung = next(i for i, r in enumerate(shard2) if (r.config.tm, r.config.threads, r.repetition) == ("lock", 2, 1))
        self.assertEqual(set(lost), {r.run_id for r in shard2[hung:]})  # the hung run and all after it
        self.assertTrue(all(recs[r.run_id]["status"] == "ok" for r in shard2[:hung]))
        self.assertTrue(all(r["harness"]["task"] == 2 for r in lost.values()))
        self.assertTrue(all("TIMEOUT" in r["failure"]["message"] for r in lost.values()),
                        next(iter(lost.values()))["failure"])
        r = self.harness_cli("summary", merged)
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("missing", r.stdout)
        self.assertIn("Slurm: TIMEOUT", r.stdout)
        merge_log = self.log(d, "merge.out")
        self.assertIn("FAILED RUNS", merge_log)
        self.assertIn("missing", merge_log)
        self.assertFalse(json.loads((merged / "manifest.json").read_text())["complete"])
        tasks = {t["task"]: t for t in json.loads((merged / "tasks.json").read_text())}
        self.assertEqual(tasks[2]["slurm"]["state"], "TIMEOUT")
        self.assertEqual([tasks[k]["missing_runs"] for k in (1, 3)], [0, 0])
        for r in recs.values():
            if r["failure"] is None or r["failure"]["reason"] != "missing":
                self.assertEqual(r["harness"]["node"]["name"], slurm_cluster.NODE)  # records know their node
                self.assertIn("slurm_array", r["harness"]["node"])

        # 2. Resubmitting runs only task 2 and keeps every recorded run.
        (self.tmp / "hang").unlink()
        runs_file = {k: d / "shards" / str(k) / "runs.jsonl" for k in (1, 2, 3)}
        before = {k: f.read_bytes() for k, f in runs_file.items()}
        self.assertEqual(before[2].count(b"\n"), hung)
        out = self.slurm_cli("--out", d, "--submit")
        self.assertIn("tasks 2 still have runs to do", out)
        self.assertIn("#SBATCH --array=2%2\n", (d / "array.sbatch").read_text())
        self.wait(d)
        subs = json.loads((d / "slurm.json").read_text())["submissions"]
        self.assertEqual([x["tasks"] for x in subs], [[1, 2, 3], [2]])
        for k in (1, 3):
            self.assertEqual(runs_file[k].read_bytes(), before[k])
        self.assertTrue(runs_file[2].read_bytes().startswith(before[2]))

        # 3. The merged result is the one-process run's, apart from timings and node names.
        got, want = by_run(merged), by_run(reference)
        self.assertEqual(sorted(got), sorted(want))
        for run_id in want:
            self.assertEqual(comparable(got[run_id]), comparable(want[run_id]), run_id)
        self.assertEqual(summary(merged), summary(reference))
        self.assertTrue(json.loads((merged / "manifest.json").read_text())["complete"])
        self.assertTrue(list((merged / "figures").glob("*.png")), self.log(d, "merge.out"))

        # 4. Nothing left to do: nothing submitted.
        out = self.slurm_cli("--out", d, "--submit")
        self.assertIn("nothing to submit", out)
        self.assertEqual(len(json.loads((d / "slurm.json").read_text())["submissions"]), 2)


if __name__ == "__main__":
    result = unittest.main(exit=False, verbosity=2).result
    if WHY_NOT:
        print(f"SKIPPED: {WHY_NOT}", file=sys.stderr)
        sys.exit(77)
    sys.exit(0 if result.wasSuccessful() else 1)
