"""What the machine does to a suite (harness/infra.py; issue 9): a full disk
is an infrastructure error with its own exit status, whose interrupted runs a
resume runs again and which leaves no temporary file; a harness killed with
SIGKILL takes its running child with it; a resume removes stale per-run files."""
import json
import os
import signal
import subprocess
import textwrap
import time
import unittest
from pathlib import Path

from helpers import FAKE_BIN, PYTHON, REPO, TempDirTest, tiny_suite
from harness import infra, session, store


def can_mount_tmpfs() -> bool:
    r = subprocess.run(["unshare", "-m", "sh", "-c", "mount -t tmpfs -o size=8k tmpfs /mnt"], capture_output=True)
    return r.returncode == 0


# Runs in its own mount namespace (unshare -m): a 32 KiB tmpfs is the result
# directory's disk, which the tiny suite's records fill part way.
FULL_DISK = textwrap.dedent("""
    import json, subprocess, sys
    sys.path.insert(0, {repo!r}); sys.path.insert(0, {tests!r})
    from pathlib import Path
    from helpers import tiny_suite
    from harness import session, store
    disk, cache = Path({disk!r}), Path({cache!r})
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=32k", "tmpfs", str(disk)], check=True)
    out, logs, s = disk / "out", [], tiny_suite()
    first = session.run_suite(s, out, Path({fake!r}), cache, progress=False, log=logs.append)
    files_after_first = sorted(p.name for p in out.iterdir())
    recorded_first = [r["harness"]["run_id"] for r in store.read_records(out)]
    statuses_first = [r["status"] + ":" + str((r.get("failure") or dict()).get("message"))[:300] for r in store.read_records(out)]
    subprocess.run(["mount", "-o", "remount,size=4m", str(disk)], check=True)
    second = session.run_suite(s, out, Path({fake!r}), cache, progress=False, log=logs.append)
    recs = store.read_records(out)
    print(json.dumps(dict(first=first, second=second, files=files_after_first, recorded_first=recorded_first,
                          statuses_first=statuses_first, planned=[r.run_id for r in s.runs()],
                          ids=[r["harness"]["run_id"] for r in recs], statuses=[r["status"] for r in recs],
                          logs=logs)))
""")


class FullDiskTest(TempDirTest):
    @unittest.skipUnless(can_mount_tmpfs(), "needs root to mount a small tmpfs in a private mount namespace")
    def test_full_disk_is_an_infrastructure_error_and_resume_completes(self):
        disk = self.tmp / "disk"
        disk.mkdir()
        code = FULL_DISK.format(repo=str(REPO), tests=str(Path(__file__).parent), disk=str(disk),
                                cache=str(self.tmp / "cache"), fake=str(FAKE_BIN))
        r = subprocess.run(["unshare", "-m", PYTHON, "-c", code], capture_output=True, text=True, timeout=120)
        self.assertEqual(r.returncode, 0, r.stderr)
        res = json.loads(r.stdout.splitlines()[-1])
        self.assertEqual(res["first"], infra.EXIT_INFRASTRUCTURE, res["logs"])
        self.assertTrue(any("infrastructure error: the disk is full" in line for line in res["logs"]), res["logs"])
        self.assertLess(len(res["recorded_first"]), len(res["planned"]), "the disk never filled: the test checks nothing")
        self.assertEqual([s for s in res["statuses_first"] if not s.startswith("ok")], [])  # no run was recorded as failed for the disk's sake
        leftovers = [f for f in res["files"] if f.endswith(".tmp") or f.startswith(".run-")]
        self.assertEqual(leftovers, [])
        self.assertEqual(res["second"], session.EXIT_OK, res["logs"])
        self.assertEqual(sorted(res["ids"]), sorted(res["planned"]))  # each run once: the interrupted ones redone
        self.assertEqual(set(res["statuses"]), {"ok"})


class OrphanTest(TempDirTest):
    def children(self, pid):
        try:
            return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
        except OSError:
            return []

    @staticmethod
    def alive(pid):
        try:
            state = [l for l in Path(f"/proc/{pid}/status").read_text().splitlines() if l.startswith("State:")]
        except OSError:
            return False
        return bool(state) and "Z" not in state[0].split()[1]

    def test_a_harness_killed_with_sigkill_takes_its_child_with_it(self):
        s = tiny_suite(tms=("hang",), reps=1, limit=300)
        suite_file = self.tmp / "hang.toml"
        suite_file.write_text(s.source)
        harness = subprocess.Popen([PYTHON, "-m", "harness", "run", str(suite_file), "--bin-dir", str(FAKE_BIN),
                                    "--out", str(self.tmp / "out"), "--cache-dir", str(self.tmp / "cache"),
                                    "--no-progress"],
                                   env=dict(os.environ, PYTHONPATH=str(REPO)), stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        child = None
        try:
            deadline = time.monotonic() + 60
            while child is None and time.monotonic() < deadline:
                for c in self.children(harness.pid):
                    if "--tm\0hang" in Path(f"/proc/{c}/cmdline").read_text(errors="replace"):
                        child = c
                time.sleep(0.05)
            self.assertIsNotNone(child, "the hanging run never started")
            harness.send_signal(signal.SIGKILL)
            harness.wait()
            deadline = time.monotonic() + 5
            while self.alive(child) and time.monotonic() < deadline:
                time.sleep(0.05)
            self.assertFalse(self.alive(child), "the run outlived the harness killed with SIGKILL")
        finally:
            if harness.poll() is None:
                harness.kill()
                harness.wait()
            if child is not None and self.alive(child):
                os.kill(child, signal.SIGKILL)

    def test_resume_removes_stale_per_run_files(self):
        out = self.tmp / "out"
        out.mkdir()
        stale = [".run-424242.json", "..run-424242.json.AbC123.tmp", ".manifest.json.x1y2z3.tmp"]
        for name in stale:
            (out / name).write_text("{")
        logs = []
        s = tiny_suite(reps=1)
        self.assertEqual(session.run_suite(s, out, FAKE_BIN, self.tmp / "cache", progress=False, log=logs.append), 0)
        self.assertEqual([n for n in stale if (out / n).exists()], [])
        self.assertTrue(any("removed 3 stale per-run file(s)" in line for line in logs), logs)
        self.assertEqual(len(store.read_records(out)), len(s.runs()))


if __name__ == "__main__":
    unittest.main()
