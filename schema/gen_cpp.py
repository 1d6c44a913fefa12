"""Writes the C++ view of schema/run.schema.json: the record's schema version and
the TM statistics that are counters (x-counter), as an X-macro list that
tm/stats.hpp turns into lbtm::Stats' fields, its sum over threads and the
record's names.  Run by the build (schema/CMakeLists.txt); the file it writes
is never edited or committed.

    python3 schema/gen_cpp.py SCHEMA_JSON OUT_HPP
"""
import json
import sys
from pathlib import Path


def main(schema_path: str, out_path: str) -> int:
    schema = json.loads(Path(schema_path).read_text())
    stats = next(b for b in schema["properties"]["tm_stats"]["oneOf"] if b.get("type") == "object")["properties"]
    lines = []
    for name, s in stats.items():
        kind = s.get("x-counter")
        if kind is None:
            continue  # derived: the record computes it from counters
        if kind not in ("sum", "max") or s["type"] not in ("integer", "number"):
            print(f"{schema_path}: tm_stats.{name}: x-counter must be sum or max on a number", file=sys.stderr)
            return 1
        member = s.get("x-counted-as", name)
        scale = float(s.get("x-scale", 1))
        lines.append(f"  X({member}, {kind}, \"{name}\", {scale!r})")
    text = (f"// Generated from {Path(schema_path).name} by schema/gen_cpp.py: do not edit.\n"
            "#pragma once\n\n"
            f"#define LB_RECORD_SCHEMA \"{schema['x-version']}\"\n\n"
            "// X(member, how threads combine: sum or max, name in the record, scale to the record's unit)\n"
            "#define LBTM_STATS_COUNTERS(X) \\\n" + " \\\n".join(lines) + "\n")
    out = Path(out_path)
    if not out.exists() or out.read_text() != text:  # unchanged: keep the timestamp, no rebuild
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
