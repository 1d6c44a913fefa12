"""Result files survive a kill: torn last lines, atomic whole-file writes."""
import contextlib
import io
import json
import os

from helpers import REPO, TempDirTest
import records
from harness import store

# A valid record (read_records keeps only those), numbered through its run id.
_REF = records.read_jsonl(REPO / "results" / "reference" / "quick")[0]


def rec(n):
    r = json.loads(json.dumps(_REF))
    r["harness"]["run_id"] = f"n{n}"
    return r


def numbers(recs):
    return [int(r["harness"]["run_id"][1:]) for r in recs]


class RunLogTest(TempDirTest):
    def test_torn_last_line_is_ignored_then_replaced(self):
        path = self.tmp / "runs.jsonl"
        log = store.RunLog(path)
        log.append(rec(1))
        log.append(rec(2))
        with open(path, "a") as f:
            f.write(json.dumps(rec(3))[:50])  # a kill in mid-write
        self.assertEqual(numbers(store.read_records(path)), [1, 2])
        store.RunLog(path).append(rec(4))  # the next session starts from a clean end
        self.assertEqual(numbers(store.read_records(path)), [1, 2, 4])
        self.assertTrue(path.read_text().endswith("\n"))

    def test_damaged_middle_line_is_skipped(self):
        path = self.tmp / "runs.jsonl"
        path.write_text(json.dumps(rec(1)) + "\nnot json\n" + json.dumps(rec(2)) + "\n")
        with contextlib.redirect_stderr(io.StringIO()) as err:
            self.assertEqual(numbers(store.read_records(path)), [1, 2])
        self.assertIn("runs.jsonl:2: not a JSON line", err.getvalue())

    def test_read_from_a_directory_or_nothing(self):
        store.RunLog(self.tmp / "runs.jsonl").append(rec(1))
        self.assertEqual(store.read_records(self.tmp), [rec(1)])
        self.assertEqual(store.read_records(self.tmp / "missing"), [])


class AtomicWriteTest(TempDirTest):
    def test_replaces_whole_and_leaves_no_temporary(self):
        path = self.tmp / "sub" / "summary.json"
        store.write_json(path, {"a": 1})
        store.write_json(path, {"a": 2})
        self.assertEqual(json.loads(path.read_text()), {"a": 2})
        self.assertEqual([p.name for p in path.parent.iterdir()], ["summary.json"])

    def test_failure_keeps_the_old_file(self):
        path = self.tmp / "x.json"
        store.write_json(path, {"a": 1})
        with self.assertRaises(TypeError):
            store.write_json(path, {"a": object()})  # not serialisable: nothing is replaced
        self.assertEqual(json.loads(path.read_text()), {"a": 1})
        self.assertEqual(len(list(self.tmp.iterdir())), 1)


class ModeTest(TempDirTest):
    def test_files_are_readable_by_others_as_the_umask_allows(self):
        old = os.umask(0o022)
        try:
            store.write_atomic(self.tmp / "f.csv", "x\n")
        finally:
            os.umask(old)
        self.assertEqual((self.tmp / "f.csv").stat().st_mode & 0o777, 0o644)
