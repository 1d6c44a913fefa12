"""Every way a run can go wrong is recorded as a failed run with its reason."""
import time

from helpers import FAKE_BIN, TempDirTest, tiny_suite
from harness import inputs, runner
from harness.suite import Config, Run


def cfg(tm="seq", threads=1, allocator="glibc", **kw):
    d = {"input": "random-x8-y8-z3-n4", "tm": tm, "tm_opts": {}, "threads": threads, "snapshot": "raw",
         "private": "direct", "allocator": allocator, "private_memory": "malloc", "page_size": None}
    d.update(kw)
    return Config.from_dict(d)


class RunnerTest(TempDirTest):
    def run_one(self, c, limit=10.0):
        path = inputs.resolve(c.input, self.tmp / "cache", FAKE_BIN)
        return runner.execute(Run(c, 0, False), path, FAKE_BIN, self.tmp, limit)

    def test_ok_run_keeps_the_binarys_record(self):
        r = self.run_one(cfg("stm", 2))
        self.assertEqual(r["status"], "ok")
        self.assertGreater(r["time"]["elapsed_s"], 0)
        self.assertEqual(r["harness"]["config_key"], cfg("stm", 2).key)
        self.assertEqual(r["harness"]["exit_status"], 0)
        self.assertEqual(list(self.tmp.glob(".run-*")), [])  # the per-run file is cleaned up

    def assertFailed(self, r, reason):
        self.assertEqual(r["status"], "failed")
        self.assertEqual(r["failure"]["reason"], reason)
        self.assertIsNone(r["time"])  # a failed run carries no number
        self.assertIn("run_id", r["harness"])

    def test_env_reaches_the_run(self):
        r = self.run_one(cfg("stm", env={"ITM_DEFAULT_METHOD": "gl_wt"}))
        self.assertEqual(r["tm"]["config"]["method"], "gl_wt")
        self.assertEqual(r["harness"]["env"], {"ITM_DEFAULT_METHOD": "gl_wt"})
        self.assertEqual(self.run_one(cfg("stm"))["tm"]["config"]["method"], "default")

    def test_crash(self):
        r = self.run_one(cfg("crash"))
        self.assertFailed(r, "crash")
        self.assertIn("SIGSEGV", r["failure"]["message"])

    def test_timeout_kills_and_records(self):
        start = time.monotonic()
        r = self.run_one(cfg("hang"), limit=0.5)
        self.assertLess(time.monotonic() - start, 5)
        self.assertFailed(r, "timeout")

    def test_verification_failure_reported_by_the_binary(self):
        r = self.run_one(cfg("unverified"))
        self.assertFailed(r, "verification")
        self.assertEqual(r["harness"]["exit_status"], 3)

    def test_unverified_ok_record_is_not_trusted(self):
        self.assertFailed(self.run_one(cfg("liar")), "verification")

    def test_allocator_mismatch(self):
        r = self.run_one(cfg("seq", allocator="wrong"))
        self.assertFailed(r, "allocator-mismatch")
        self.assertEqual(r["harness"]["exit_status"], 4)

    def test_exit_without_record(self):
        r = self.run_one(cfg("norecord"))
        self.assertFailed(r, "usage")
        self.assertIn("unknown runtime", r["failure"]["message"])

    def test_missing_binary(self):
        c = cfg()
        path = inputs.resolve(c.input, self.tmp / "cache", FAKE_BIN)
        r = runner.execute(Run(c, 0, False), path, self.tmp / "nowhere", self.tmp, 5)
        self.assertFailed(r, "launch")

    def test_judge_catches_a_record_for_another_configuration(self):
        rec = {"status": "ok", "result": {"verified": True}, "time": {"elapsed_s": 1.0}, "threads": 4,
               "tm": {"name": "stm"}, "allocator": {"detected": "glibc"}}
        self.assertEqual(runner.judge(rec, cfg("stm", 2), 0)[0], "config-mismatch")
        rec["threads"] = 2
        self.assertIsNone(runner.judge(rec, cfg("stm", 2), 0))
        self.assertEqual(runner.judge(rec, cfg("stm", 2), 1)[0], "runtime")

    def test_judge_double_checks_the_allocator(self):
        rec = {"status": "ok", "result": {"verified": True}, "time": {"elapsed_s": 1.0},
               "allocator": {"detected": "glibc"}}
        self.assertEqual(runner.judge(rec, cfg(allocator="jemalloc"), 0)[0], "allocator-mismatch")
        self.assertIsNone(runner.judge(rec, cfg(allocator="/opt/lib/libfoo.so"), 0))  # the binary checks paths
        rec["allocator"]["detected"] = "asan"
        self.assertIsNone(runner.judge(rec, cfg(), 0))  # a sanitizer build's own malloc stands for glibc

    def test_command_leaves_defaults_to_the_binary(self):
        cmd = runner.command(FAKE_BIN, cfg("stm", 2), self.tmp / "in.txt", 3, self.tmp / "o.json")
        self.assertNotIn("--allocator", cmd)
        self.assertNotIn("--private-memory", cmd)
        self.assertEqual(cmd[cmd.index("--repetition") + 1], "3")
        cmd = runner.command(FAKE_BIN, cfg("itm", 2, "jemalloc", private_memory="allocpage", page_size="2m",
                                           tm_opts={"method": "ml_wt"}), self.tmp / "in.txt", 0, self.tmp / "o")
        for flag, value in (("--allocator", "jemalloc"), ("--private-memory", "allocpage"),
                            ("--page-size", "2m"), ("--tm-opt", "method=ml_wt"), ("-t", "2")):
            self.assertEqual(cmd[cmd.index(flag) + 1], value)


class InputsTest(TempDirTest):
    def test_stamp_names_are_generated_once_and_cached(self):
        p = inputs.resolve("random-x8-y8-z3-n4", self.tmp / "c", FAKE_BIN)
        self.assertEqual(p.name, "random-x8-y8-z3-n4.txt")
        self.assertIn("d 8 8 3", p.read_text())
        mtime = p.stat().st_mtime_ns
        self.assertEqual(inputs.resolve("random-x8-y8-z3-n4", self.tmp / "c", FAKE_BIN).stat().st_mtime_ns, mtime)
        self.assertNotEqual(inputs.resolve("random-x8-y8-z3-n4-s7", self.tmp / "c", FAKE_BIN).read_text(),
                            p.read_text())

    def test_generator_failure_and_unknown_names(self):
        with self.assertRaises(inputs.InputError):
            inputs.resolve("random-x0-y8-z3-n4", self.tmp / "c", FAKE_BIN)
        self.assertEqual([p.name for p in (self.tmp / "c").iterdir()], [])  # no half-written input left
        with self.assertRaises(inputs.InputError):
            inputs.resolve("no-such-file", self.tmp / "c", FAKE_BIN)

    def test_an_input_that_cannot_be_made_fails_its_runs_and_the_suite_goes_on(self):
        s = tiny_suite(reps=1)
        bad = s.configs[0].as_dict()
        bad["input"] = "random-x0-y8-z3-n4"
        s.configs.append(Config.from_dict(bad))
        self.assertEqual(self.run_quiet(s, self.tmp / "out"), 1)
        from harness import store
        recs = store.read_records(self.tmp / "out")
        self.assertEqual(len(recs), 2 * len(s.configs))
        failed = [r for r in recs if r["status"] != "ok"]
        self.assertEqual({r["failure"]["reason"] for r in failed}, {"input"})
        self.assertEqual(len(failed), 2)
