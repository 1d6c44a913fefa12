"""A damaged or foreign line in runs.jsonl counts as not recorded, with a
warning naming the line (issue 9: invalid UTF-8 or NUL bytes gave
UnicodeDecodeError, `12345` or `null` AttributeError, and a bare
{"status":"ok"} counted as one more successful run)."""
import contextlib
import csv
import io
import json

from helpers import FAKE_BIN, TempDirTest, tiny_suite
from harness import session, store

DAMAGE = [b"\xff\xfe not utf-8 \xc3\x28", b"\x00" * 32, b"12345", b"null", b'{"status":"ok"}', b"[1, 2]",
          b'{"schema":"labyrinth-bench/run/1","status":"ok"}']


class DamagedLinesTest(TempDirTest):
    def run_suite(self):
        s = tiny_suite(reps=1)
        out = self.tmp / "out"
        self.assertEqual(self.run_quiet(s, out), 0)
        return s, out

    def damage(self, out, where: int):
        """Every kind of damage in the middle of runs.jsonl, in place of the record at `where`."""
        lines = (out / "runs.jsonl").read_bytes().splitlines(keepends=True)
        lost = json.loads(lines[where])["harness"]["run_id"]
        lines[where:where + 1] = [d + b"\n" for d in DAMAGE]
        (out / "runs.jsonl").write_bytes(b"".join(lines))
        return lost, len(lines)

    def test_read_records_skips_and_names_every_damaged_line(self):
        s, out = self.run_suite()
        n = len(store.read_records(out))
        lost, _ = self.damage(out, 2)
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            recs = store.read_records(out)
        self.assertEqual(len(recs), n - 1)
        self.assertNotIn(lost, {r["harness"]["run_id"] for r in recs})
        for line in range(3, 3 + len(DAMAGE)):  # the damage sits on lines 3 to 9
            self.assertIn(f"runs.jsonl:{line}: ", err.getvalue())
        self.assertEqual(err.getvalue().count("counted as not recorded"), len(DAMAGE))

    def test_resume_runs_the_damaged_run_again(self):
        s, out = self.run_suite()
        lost, _ = self.damage(out, 4)
        m = json.loads((out / "manifest.json").read_text())
        m["complete"] = False
        store.write_json(out / "manifest.json", m)
        with contextlib.redirect_stderr(io.StringIO()):
            # run_suite itself: run_quiet would refuse the damaged lines that stay in the file
            self.assertEqual(session.run_suite(s, out, FAKE_BIN, self.tmp / "cache", None, progress=False,
                                               log=lambda *a, **k: None), 0)
            ids = [r["harness"]["run_id"] for r in store.read_records(out)]
        self.assertEqual(sorted(ids), sorted(r.run_id for r in s.runs()))  # each once: the lost one redone
        self.assertIn(lost, ids)

    def test_summary_counts_only_real_records_and_warns(self):
        s, out = self.run_suite()
        self.damage(out, 1)  # the record on line 2 is lost; the bare ok lines must add nothing
        r = self.harness_cli("summary", out)
        self.assertNotIn("Traceback", r.stderr)
        self.assertIn(r.returncode, (0, 1), r.stderr)
        self.assertIn("counted as not recorded", r.stderr)
        self.assertIn("runs.jsonl:2: ", r.stderr)
        with contextlib.redirect_stderr(io.StringIO()):
            ok = sum(1 for rec in store.read_records(out) if rec["status"] == "ok")
        self.assertEqual(ok, len(s.runs()) - 1)
        runs_ok = sum(int(row["runs_ok"]) for row in csv.DictReader(open(out / "summary.csv")))
        measured = sum(1 for run in s.runs() if not run.warmup)
        self.assertLessEqual(runs_ok, measured)  # never more than were run
