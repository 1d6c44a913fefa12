"""labyrinth-bench harness: runs suites of `labyrinth` processes and keeps their records.

The harness knows the binary only through its command line and the JSON result
records it writes (labyrinth/RECORD.md); nothing here links to or parses C++.
"""
