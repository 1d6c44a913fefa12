"""Running suites: results layout, exit status, resume, Ctrl-C, shards and merge."""
import csv
import json
import os
import signal
import subprocess
import time

from helpers import FAKE_BIN, PYTHON, REPO, TempDirTest, tiny_suite
from harness import session, store


def read_csv(path):
    with open(path) as f:
        return list(csv.DictReader(f))


def run_ids(d):
    return [r["harness"]["run_id"] for r in store.read_records(d)]


class RunSuiteTest(TempDirTest):
    def test_layout_and_all_ok(self):
        s = tiny_suite()
        out = self.tmp / "out"
        self.assertEqual(self.run_quiet(s, out), 0)
        for name in ("runs.jsonl", "summary.csv", "machine.json", "manifest.json", "suite.toml"):
            self.assertTrue((out / name).is_file(), name)
        self.assertEqual(sorted(run_ids(out)), sorted(r.run_id for r in s.runs()))
        rows = read_csv(out / "summary.csv")
        self.assertEqual(len(rows), len(s.configs))
        self.assertTrue(all(r["runs_ok"] == "3" for r in rows))  # warm-ups are not counted
        self.assertTrue(json.loads((out / "manifest.json").read_text())["complete"])

    def test_failures_do_not_stop_the_suite_and_set_the_exit_status(self):
        # The limit must let the fake stm run (a Python start-up) finish on a loaded
        # machine: at 0.3 s it timed out there now and then, while `hang` waits past any limit.
        s = tiny_suite(tms=("stm", "crash", "hang"), limit=2.0, reps=1)
        self.assertEqual(self.run_quiet(s, self.tmp / "out"), session.EXIT_FAILED_RUNS)
        recs = store.read_records(self.tmp / "out")
        self.assertEqual(len(recs), 2 * len(s.configs))
        reasons = {r["harness"]["config"]["tm"]: r["failure"]["reason"] for r in recs if r["status"] != "ok"}
        self.assertEqual(reasons, {"crash": "crash", "hang": "timeout"})
        self.assertTrue(any(r["status"] == "ok" and r["harness"]["config"]["tm"] == "stm" for r in recs))

    def test_resume_skips_recorded_runs(self):
        s = tiny_suite()
        out = self.tmp / "out"
        self.run_quiet(s, out)
        lines = (out / "runs.jsonl").read_text().splitlines(keepends=True)
        kept = lines[:7]
        # as if killed: 7 runs recorded, the 8th torn in mid-write, not marked complete
        (out / "runs.jsonl").write_text("".join(kept) + lines[7][:40])
        m = json.loads((out / "manifest.json").read_text())
        m["complete"] = False
        store.write_json(out / "manifest.json", m)
        self.assertEqual(self.run_quiet(s, out), 0)
        text = (out / "runs.jsonl").read_text()
        self.assertTrue(text.startswith("".join(kept)))  # recorded runs untouched, not redone
        self.assertEqual(sorted(run_ids(out)), sorted(r.run_id for r in s.runs()))

    def test_default_directory_resumes_only_the_same_unfinished_suite(self):
        root = self.tmp / "runs"
        s = tiny_suite()
        first = session.choose_dir(s, root, None, None, fresh=False)
        first.mkdir(parents=True)
        store.write_json(first / "manifest.json", {"fingerprint": s.fingerprint, "shard": None, "complete": False})
        self.assertEqual(session.choose_dir(s, root, None, None, fresh=False), first)
        self.assertNotEqual(session.choose_dir(s, root, None, None, fresh=True), first)
        self.assertNotEqual(session.choose_dir(s, root, (1, 2), None, fresh=False), first)
        self.assertNotEqual(session.choose_dir(tiny_suite(reps=5), root, None, None, fresh=False), first)
        store.write_json(first / "manifest.json", {"fingerprint": s.fingerprint, "shard": None, "complete": True})
        self.assertNotEqual(session.choose_dir(s, root, None, None, fresh=False), first)

    def test_refuses_a_directory_another_harness_is_running_in(self):
        import fcntl
        out = self.tmp / "out"
        out.mkdir()
        with open(out / ".lock", "w") as held:
            fcntl.flock(held, fcntl.LOCK_EX)
            self.assertEqual(self.run_quiet(tiny_suite(reps=1), out), session.EXIT_USAGE)
        self.assertEqual(run_ids(out), [])
        self.assertEqual(self.run_quiet(tiny_suite(reps=1), out), 0)  # free again: runs

    def test_refuses_to_mix_two_suites_in_one_directory(self):
        out = self.tmp / "out"
        self.run_quiet(tiny_suite(reps=1), out)
        self.assertEqual(self.run_quiet(tiny_suite(reps=2), out), session.EXIT_USAGE)


class InterruptTest(TempDirTest):
    def test_ctrl_c_stops_cleanly_and_the_rerun_completes(self):
        self.interrupt_and_resume(signal.SIGINT)

    def test_sigterm_stops_cleanly_too(self):
        self.interrupt_and_resume(signal.SIGTERM)

    def interrupt_and_resume(self, sig):
        suite = self.tmp / "slow.toml"
        suite.write_text('[suite]\nname = "slow"\nrepetitions = 4\nwarmup = 0\n'
                         '[[matrix]]\ninputs = ["random-x8-y8-z3-n4"]\ntm = "slow"\nthreads = [1, 2]\n')
        args = [PYTHON, "-m", "harness", "run", str(suite), "--bin-dir", str(FAKE_BIN), "--runs-root",
                str(self.tmp / "runs"), "--cache-dir", str(self.tmp / "cache"), "--no-figures"]
        env = dict(os.environ, PYTHONPATH=str(REPO))
        proc = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not any((self.tmp / "runs").glob("*/runs.jsonl")):
            time.sleep(0.05)  # interrupt once the first 0.2 s run is recorded, mid-suite
        proc.send_signal(sig)
        out, err = proc.communicate(timeout=20)
        self.assertEqual(proc.returncode, 130, err)
        self.assertIn("resume", out)
        (d,) = (self.tmp / "runs").iterdir()
        done = run_ids(d)
        self.assertTrue(0 < len(done) < 8, done)
        self.assertEqual(list(d.glob(".run-*")), [])
        rerun = subprocess.run(args, env=env, capture_output=True, text=True, timeout=60)
        self.assertEqual(rerun.returncode, 0, rerun.stderr)
        self.assertEqual([p for p in (self.tmp / "runs").iterdir()], [d])  # resumed, not restarted
        self.assertEqual(len(run_ids(d)), 8)
        self.assertEqual(run_ids(d)[:len(done)], done)


class ShardMergeTest(TempDirTest):
    def test_shards_merge_into_the_whole_suite(self):
        s = tiny_suite()
        dirs = []
        for k in (1, 2, 3):
            d = self.tmp / f"shard{k}"
            self.assertEqual(self.run_quiet(s, d, shard=(k, 3)), 0)
            dirs.append(d)
        out = self.tmp / "merged"
        self.assertEqual(session.merge(out, dirs, log=lambda *a: None), 0)
        self.assertEqual(sorted(run_ids(out)), sorted(r.run_id for r in s.runs()))
        rows = read_csv(out / "summary.csv")
        self.assertEqual(len(rows), len(s.configs))
        self.assertEqual(len(json.loads((out / "machine.json").read_text())["merged_from"]), 3)
        # merging a shard twice never counts its runs twice
        self.assertEqual(session.merge(self.tmp / "m2", dirs + [dirs[0]], log=lambda *a: None), 0)
        self.assertEqual(sorted(run_ids(self.tmp / "m2")), sorted(run_ids(out)))

    def test_merge_refuses_different_suites_unless_forced(self):
        a, b = self.tmp / "a", self.tmp / "b"
        self.run_quiet(tiny_suite(reps=1), a)
        self.run_quiet(tiny_suite(reps=2), b)
        self.assertEqual(session.merge(self.tmp / "m", [a, b], log=lambda *x: None), session.EXIT_USAGE)
        self.assertEqual(session.merge(self.tmp / "m", [a, b], force=True, log=lambda *x: None), 0)

    def test_cli_refuses_a_bin_dir_without_labyrinth(self):
        r = self.harness_cli("run", "quick", "--bin-dir", self.tmp, "--runs-root", self.tmp / "runs")
        self.assertEqual(r.returncode, 2)
        self.assertIn("no labyrinth", r.stderr)
        self.assertFalse((self.tmp / "runs").exists())

    def test_cli_shard_and_merge(self):
        suite = self.tmp / "t.toml"
        suite.write_text(tiny_suite().source)
        common = ["--bin-dir", FAKE_BIN, "--runs-root", self.tmp / "runs", "--cache-dir", self.tmp / "cache",
                  "--no-progress", "--no-figures"]
        for k in (1, 2):
            r = self.harness_cli("run", suite, "--shard", f"{k}/2", *common)
            self.assertEqual(r.returncode, 0, r.stderr)
        shards = sorted((self.tmp / "runs").iterdir())
        self.assertEqual([p.name.endswith(f"shard{k}of2") for k, p in zip((1, 2), shards)], [True, True])
        r = self.harness_cli("merge", self.tmp / "all", *shards, "--no-figures")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(len(run_ids(self.tmp / "all")), len(tiny_suite().runs()))
