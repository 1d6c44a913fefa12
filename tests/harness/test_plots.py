"""Figures render from result files alone and carry suite, input, machine and revision."""
import shutil
import tomllib

from helpers import TempDirTest
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
