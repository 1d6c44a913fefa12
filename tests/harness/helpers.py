"""Shared by the harness tests: paths, the fake binary, tiny suites, quiet runs."""
import os
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
FAKE_BIN = HERE / "fake_bin"
PYTHON = "/usr/bin/python3"
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

import records  # noqa: E402
from harness import session, suite as suite_mod  # noqa: E402

TINY = """
[suite]
name = "tiny"
repetitions = {reps}
warmup = 1
time_limit_s = {limit}

[[matrix]]
inputs = ["random-x8-y8-z3-n4"]
tm = ["seq"]

[[matrix]]
inputs = ["random-x8-y8-z3-n4"]
tm = {tms}
threads = [1, 2]
"""


def tiny_suite(tms=("lock", "stm"), reps=3, limit=10.0):
    text = TINY.format(reps=reps, limit=limit, tms="[" + ", ".join(f'"{t}"' for t in tms) + "]")
    import tomllib
    return suite_mod.parse_suite(tomllib.loads(text), source=text)


class TempDirTest(unittest.TestCase):
    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory(prefix="lb-harness-test-")
        self.tmp = Path(self._tmp.name)

    def tearDown(self):
        self._tmp.cleanup()

    def run_quiet(self, s, out, bin_dir=FAKE_BIN, shard=None):
        status = session.run_suite(s, out, bin_dir, self.tmp / "cache", shard, progress=False,
                                   log=lambda *a, **k: None)
        records.load(out)  # every record the run stored validates against the schema (raises if not)
        return status

    def harness_cli(self, *args, timeout=60, env=None):
        e = dict(os.environ, PYTHONPATH=str(REPO))
        e.update(env or {})
        return subprocess.run([PYTHON, "-m", "harness", *map(str, args)], capture_output=True,
                              text=True, timeout=timeout, env=e, cwd=self.tmp)
