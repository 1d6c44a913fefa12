"""Figures render from result files alone and carry suite, input, machine and revision."""
import shutil
import tomllib

from helpers import REPO, TempDirTest
from harness import history, store
from harness.suite import parse_suite
import plots

SUITE = """
[suite]
name = "figs"
repetitions = 2
warmup = 0
[[matrix]]
inputs = ["random-x8-y8-z3-n4"]
tm = ["seq", "lock", "stm"]
threads = [1, 2]
allocators = ["glibc", "jemalloc"]
[[matrix]]
inputs = ["random-x8-y8-z3-n4"]
tm = "stm"
threads = [1, 2]
snapshot = ["raw", "tracked", "released"]
[[matrix]]
inputs = ["random-x8-y8-z3-n4"]
tm = "htm-model"
threads = [1, 2]
snapshot = ["raw", "privatized"]
"""


class PlotsTest(TempDirTest):
    def test_every_figure_from_copied_result_files(self):
        s = parse_suite(tomllib.loads(SUITE))
        self.assertEqual(self.run_quiet(s, self.tmp / "run"), 0)
        # Only the result files travel: the figures must not need anything else.
        copy = self.tmp / "copy"
        copy.mkdir()
        for name in ("runs.jsonl", "machine.json", "manifest.json"):
            shutil.copy(self.tmp / "run" / name, copy / name)
        hist = self.tmp / "history.jsonl"
        recs = store.read_records(copy)
        history.append(hist, history.entries_from_records(recs, "figs", "r1"))
        history.append(hist, history.entries_from_records(recs, "figs", "r2"))
        paths = plots.render_dir(copy, history_file=hist)
        names = {p.name for p in paths}
        for stem in ("runtimes-random-x8-y8-z3-n4", "allocators-random-x8-y8-z3-n4",
                     "early-release-stm-random-x8-y8-z3-n4", "htm-random-x8-y8-z3-n4", "htm-placement",
                     "history"):
            for ext in ("png", "svg"):
                self.assertIn(f"{stem}.{ext}", names)
        for p in paths:
            self.assertGreater(p.stat().st_size, 5000, p)
            if p.suffix == ".png":
                self.assertEqual(p.read_bytes()[:8], b"\x89PNG\r\n\x1a\n")
            else:
                svg = p.read_text()
                for needle in ("suite: figs", "random-x8-y8-z3-n4", "cores", "revision: "):
                    self.assertIn(needle, svg, f"{p.name} lacks {needle!r}")
                if p.stem != "history":
                    self.assertIn("revision: fakerev", svg)
                if p.stem.startswith("htm"):  # a model result says so
                    self.assertIn("MODEL result", svg)
                self.assertIn("threads" if p.stem != "history" else "revision", svg)  # axes are labelled

    def test_allocators_per_lifetime(self):
        s = parse_suite(tomllib.loads('[suite]\nname = "life"\nrepetitions = 3\nwarmup = 0\n'
                                      '[[matrix]]\ninputs = ["random-x8-y8-z3-n4"]\ntm = "stm"\nthreads = 2\n'
                                      'allocators = ["glibc", "jemalloc"]\n'
                                      'private_lifetime = ["worker", "transaction"]\n'))
        self.assertEqual(self.run_quiet(s, self.tmp / "run"), 0)
        names = {p.name for p in plots.render_dir(self.tmp / "run")}
        self.assertIn("allocators-lifetime-random-x8-y8-z3-n4.svg", names)
        svg = (self.tmp / "run" / "figures" / "allocators-lifetime-random-x8-y8-z3-n4.svg").read_text()
        # both lifetimes, the spread of each with its interval, and the rows of where the time goes
        for needle in ("transaction", "worker", "spread transaction: ", "95% CI", "sys time", "minor faults",
                       "memory system calls", "madvise"):
            self.assertIn(needle, svg)

    def test_no_figure_without_the_data_for_it(self):
        s = parse_suite(tomllib.loads('[suite]\nrepetitions = 1\nwarmup = 0\n'
                                      '[[matrix]]\ninputs = ["random-x8-y8-z3-n4"]\ntm = "seq"'))
        self.run_quiet(s, self.tmp / "run")
        self.assertEqual(plots.render_dir(self.tmp / "run"), [])

    def test_same_records_same_svg(self):
        s = parse_suite(tomllib.loads(SUITE))
        self.run_quiet(s, self.tmp / "run")
        a = {p.name: p.read_bytes() for p in plots.render_dir(self.tmp / "run", self.tmp / "a") if p.suffix == ".svg"}
        b = {p.name: p.read_bytes() for p in plots.render_dir(self.tmp / "run", self.tmp / "b") if p.suffix == ".svg"}
        self.assertEqual(a, b)  # committed reference figures only change when the records do


class FigureStyleTest(TempDirTest):
    """Fixed colours, legends outside, runs per point, oversubscription, no empty panels."""

    def test_styles_shading_and_panels(self):
        import os
        cores = os.cpu_count()
        s = parse_suite(tomllib.loads(
            '[suite]\nname = "style"\nrepetitions = 2\nwarmup = 0\n'
            '[[matrix]]\ninputs = ["random-x8-y8-z3-n4"]\ntm = "seq"\n'
            '[[matrix]]\ninputs = ["random-x8-y8-z3-n4"]\ntm = ["lock", "stm"]\n'
            'threads = "powers of two to 2*cores"\nsnapshot = ["raw", "tracked"]\n'))
        self.assertEqual(self.run_quiet(s, self.tmp / "run"), 0)
        plots.render_dir(self.tmp / "run")
        figs = self.tmp / "run" / "figures"
        rt = (figs / "runtimes-random-x8-y8-z3-n4.svg").read_text()
        self.assertIn(f"oversubscribed (&gt; {cores} cores)", rt)
        self.assertIn("linear (to the core count)", rt)
        self.assertIn("numbers: runs per point", rt)
        self.assertIn("#1f77b4", rt)  # stm is blue in every figure
        # lock neither aborts nor keeps a read set: one panel, and the caption says so
        lock = (figs / "early-release-lock-random-x8-y8-z3-n4.svg").read_text()
        self.assertEqual(lock.count(">threads<"), 1)
        self.assertIn("not drawn, 0 in every run: aborts, read_set_mean", lock)
        stm = (figs / "early-release-stm-random-x8-y8-z3-n4.svg").read_text()
        self.assertEqual(stm.count(">threads<"), 3)

    def test_history_has_dates_and_counts(self):
        s = parse_suite(tomllib.loads(SUITE))
        self.run_quiet(s, self.tmp / "run")
        hist = self.tmp / "history.jsonl"
        recs = store.read_records(self.tmp / "run")
        history.append(hist, history.entries_from_records(recs, "figs", "r1"))
        history.append(hist, history.entries_from_records(recs, "figs", "r2"))
        plots.render_dir(self.tmp / "run", history_file=hist)
        svg = (self.tmp / "run" / "figures" / "history.svg").read_text()
        day = recs[0]["timestamp"][:10]
        self.assertIn(day, svg)
        self.assertIn("95% interval", svg)


class LeeTmFigureTest(TempDirTest):
    """Watson et al.'s figure, from the committed Lee-TM reference records alone."""

    def test_speedup_and_aborts_with_and_without_early_release(self):
        ref = REPO / "results" / "reference" / "lee-tm-small"
        copy = self.tmp / "copy"
        copy.mkdir()
        for name in ("runs.jsonl", "machine.json", "manifest.json"):
            shutil.copy(ref / name, copy / name)
        names = {p.name for p in plots.render_dir(copy)}
        for board in ("testBoard", "sparselong"):
            for ext in ("png", "svg"):
                self.assertIn(f"lee-tm-stm-lee-tm_{board}.{ext}", names)
        svg = (copy / "figures" / "lee-tm-stm-lee-tm_sparselong.svg").read_text()
        for needle in ("suite: lee-tm-small", "input: lee-tm/sparselong", "speedup over seq", "aborts",
                       "tracked: no early release", "released: early release", "raw: private copy", "threads"):
            self.assertIn(needle, svg)
