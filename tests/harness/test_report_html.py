"""report.html and report.md: what they show, parsed; the HTML rendered by headless
Chromium where it is installed."""
import base64
import shutil
import subprocess
import unittest
from html.parser import HTMLParser

from helpers import TempDirTest, tiny_suite
from harness import ab, compare, history, report_html
from synthetic import record


class Page(HTMLParser):
    """Tables as lists of (row class, cells), images' sources, every external reference."""

    def __init__(self, text):
        super().__init__()
        self.tables, self.images, self.external, self.headings = [], [], [], []
        self._row = self._cell = None
        self._in_h = False
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for k in ("src", "href"):
            if a.get(k, "").startswith(("http:", "https:", "//", "file:")):
                self.external.append(a[k])
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self._row = (a.get("class", ""), [])
        elif tag in ("td", "th"):
            self._cell = ""
        elif tag == "img":
            self.images.append(a.get("src", ""))
        elif tag in ("h1", "h2"):
            self._in_h = True
            self.headings.append("")

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._row is not None:
            self._row[1].append(self._cell)
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.tables[-1].append(self._row)
            self._row = None
        elif tag in ("h1", "h2"):
            self._in_h = False

    def handle_data(self, data):
        if self._cell is not None:
            self._cell += data
        if self._in_h:
            self.headings[-1] += data


class SuiteReportTest(TempDirTest):
    def test_result_directory_report(self):
        s = tiny_suite(tms=("stm", "crash"), reps=2)
        out = self.tmp / "out"
        self.run_quiet(s, out)
        r = self.harness_cli("figures", out)
        self.assertEqual(r.returncode, 0, r.stderr)
        page = Page((out / "report.html").read_text())
        self.assertEqual(page.external, [])  # self-contained
        self.assertTrue(page.headings[0].startswith("tiny: 5 configurations"))
        configs = page.tables[0]
        self.assertEqual(configs[0][1][0], "config")
        body = configs[1:]
        self.assertEqual(len(body), len(s.configs))
        failed = {cells[0] for cls, cells in body if cls == "failed"}
        self.assertEqual(failed, {c.key for c in s.configs if c.tm == "crash"})
        self.assertTrue(page.images)
        for src in page.images:  # every figure embedded as a PNG
            self.assertTrue(src.startswith("data:image/png;base64,"))
            self.assertEqual(base64.b64decode(src.split(",", 1)[1])[:8], b"\x89PNG\r\n\x1a\n")
        md = (out / "report.md").read_text()
        self.assertIn("**6 failed runs** (crash x6)", md)  # warm-ups included, as in the text summary
        self.assertIn("- revision fakerev", md)
        self.assertIn("| config | runs_ok |", md)

    def test_history_regressions_are_highlighted(self):
        path = self.tmp / "h.jsonl"
        for rev, t in (("r1", 1.0), ("r2", 1.4)):
            recs = [record(elapsed=t * (1 + 0.01 * i), revision=rev) for i in range(7)]
            history.append(path, history.entries_from_records(recs, "n"))
        rows = history.check_latest(history.load(path))
        recs = [record(elapsed=1.4) for _ in range(3)]
        html_text, md = report_html.suite_report(self.tmp, recs, rows)
        table = Page(html_text).tables[-1]
        self.assertEqual([cls for cls, _ in table[1:]], ["regression"])
        self.assertEqual(rows[0]["verdict"], compare.REGRESSION)
        self.assertIn("**1 regression(s)** against the history", md)


class AbReportTest(TempDirTest):
    def test_verdicts_sorted_and_highlighted(self):
        recs = []
        for tm, factor in (("stm", 1.3), ("lock", 1.0)):
            for i in range(7):
                for side, f in (("base", 1.0), ("new", factor)):
                    r = record(tm=tm, elapsed=f * (1 + 0.002 * i))
                    r["harness"].update(ab_side=side, repetition=i)
                    recs.append(r)
        text, rows = ab.summary(recs, self.tmp, 0.05, "wall", False)
        html_text, md = report_html.ab_report(self.tmp, text.split("\n\n")[0], rows, "wall")
        page = Page(html_text)
        body = page.tables[0][1:]
        self.assertEqual([(cls, cells[0].split("/")[1]) for cls, cells in body], [("regression", "stm"), ("", "lock")])
        self.assertIn("**1 regression(s)**", md)
        self.assertIn("metric: wall", md)

    @unittest.skipUnless(any(shutil.which(b) for b in ("chromium", "chromium-browser", "google-chrome")),
                         "Chromium is not installed (Debian: apt-get install chromium)")
    def test_renders_in_headless_chromium(self):
        s = tiny_suite(tms=("stm",), reps=2)
        out = self.tmp / "out"
        self.run_quiet(s, out)
        self.harness_cli("figures", out)
        exe = next(shutil.which(b) for b in ("chromium", "chromium-browser", "google-chrome") if shutil.which(b))
        shot = self.tmp / "shot.png"
        # No network here: keep Chromium from reaching out (background services,
        # component updates, sync), in a profile of its own.
        base = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                f"--user-data-dir={self.tmp / 'chromium-profile'}"]
        r = subprocess.run(base + [f"--screenshot={shot}", "--window-size=1200,1600", (out / "report.html").as_uri()],
                           capture_output=True, text=True, timeout=120)
        self.assertTrue(shot.is_file(), r.stderr[-2000:])
        self.assertGreater(shot.stat().st_size, 10000)  # a page with tables and figures, not a blank one
        dom = subprocess.run(base + ["--dump-dom", (out / "report.html").as_uri()],
                             capture_output=True, text=True, timeout=120).stdout
        self.assertIn("random-x8-y8-z3-n4/stm/t2", dom)


if __name__ == "__main__":
    unittest.main()
