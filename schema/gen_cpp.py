"""Writes the C++ view of schema/run.schema.json into OUT_DIR/schema/:

  run_schema.hpp  the record's schema version and the TM statistics that are
                  counters (x-counter), as an X-macro list that tm/stats.hpp
                  turns into lbtm::Stats' fields, its sum over threads and the
                  record's names (tm/ includes this one only);
  run_axes.hpp    the run axes (x-axes: option, default, values, record path)
                  the command line and the record's echo are made from
                  (labyrinth/run_config.hpp), and the failure reasons the
                  binary reports with their exit statuses (labyrinth/run_error.hpp).

Run by the build (schema/CMakeLists.txt); the files it writes are never edited
or committed.

    python3 schema/gen_cpp.py SCHEMA_JSON OUT_DIR
"""
import json
import sys
from pathlib import Path


def cpp_string(s: str) -> str:
    return json.dumps(s)  # a JSON string literal is a valid C++ one for the text the schema holds


def identifier(name: str) -> str:
    """allocator-mismatch -> kAllocatorMismatch"""
    return "k" + "".join(part.capitalize() for part in name.replace("_", "-").split("-"))


def stats_header(schema: dict, schema_path: str) -> str | None:
    stats = next(b for b in schema["properties"]["tm_stats"]["oneOf"] if b.get("type") == "object")["properties"]
    lines = []
    for name, s in stats.items():
        kind = s.get("x-counter")
        if kind is None:
            continue  # derived: the record computes it from counters
        if kind not in ("sum", "max") or s["type"] not in ("integer", "number"):
            print(f"{schema_path}: tm_stats.{name}: x-counter must be sum or max on a number", file=sys.stderr)
            return None
        member = s.get("x-counted-as", name)
        scale = float(s.get("x-scale", 1))
        lines.append(f"  X({member}, {kind}, \"{name}\", {scale!r})")
    return (f"// Generated from {Path(schema_path).name} by schema/gen_cpp.py: do not edit.\n"
            "#pragma once\n\n"
            f"#define LB_RECORD_SCHEMA \"{schema['x-version']}\"\n\n"
            "// X(member, how threads combine: sum or max, name in the record, scale to the record's unit)\n"
            "#define LBTM_STATS_COUNTERS(X) \\\n" + " \\\n".join(lines) + "\n")


def default_text(default) -> str:
    """An axis default as its command line would give it; empty for none (null, {})."""
    if default is None or isinstance(default, dict):
        return ""
    return str(default)


def axes_header(schema: dict, schema_path: str) -> str:
    out = [f"// Generated from {Path(schema_path).name} by schema/gen_cpp.py: do not edit.",
           "#pragma once",
           "#include <span>",
           "#include <stdexcept>",
           "#include <string_view>",
           "",
           "namespace lb_schema {",
           "",
           "// A command-line value and the JSON literal the record writes for it (x-axes' record_values).",
           "struct RecordValue {",
           "  std::string_view value, json;",
           "};",
           "",
           "// One run axis (x-axes): its option, default (as the command line gives it; empty",
           "// for none), allowed values (empty: any), path in the record (empty: none).",
           "struct Axis {",
           "  std::string_view name, option, default_text, record;",
           "  std::span<const std::string_view> values;",
           "  std::span<const RecordValue> record_values;",
           "};",
           ""]
    axes = []
    for a in schema["x-axes"]:
        if a["option"] is None:
            continue  # the harness's alone (env)
        n = a["name"]
        values = f"{{}}"
        if a.get("values"):
            out.append(f"inline constexpr std::string_view kValues_{n}[] = "
                       f"{{{', '.join(cpp_string(v) for v in a['values'])}}};")
            values = f"kValues_{n}"
        record_values = "{}"
        if a.get("record_values"):
            pairs = ", ".join(f"{{{cpp_string(k)}, {cpp_string(json.dumps(v))}}}" for k, v in a["record_values"].items())
            out.append(f"inline constexpr RecordValue kRecordValues_{n}[] = {{{pairs}}};")
            record_values = f"kRecordValues_{n}"
        axes.append(f"    {{{cpp_string(n)}, {cpp_string(a['option'])}, {cpp_string(default_text(a['default']))}, "
                    f"{cpp_string(a['record'] or '')}, {values}, {record_values}}},")
    out += ["",
            "// Every axis the binary takes, in the schema's order.",
            "inline constexpr Axis kAxes[] = {", *axes, "};",
            "",
            "// The axis of that name; at compile time, so a name the schema lacks does not build.",
            "consteval const Axis& axis(std::string_view name) {",
            "  for (const Axis& a : kAxes)",
            "    if (a.name == name) return a;",
            "  throw std::logic_error(\"not an axis of schema/run.schema.json\");",
            "}",
            "",
            "}  // namespace lb_schema",
            "",
            "// The failure reasons the binary reports (x-failure-reasons, by labyrinth) with their",
            "// exit statuses (x-exit-statuses): X(identifier, reason, exit status)",
            "#define LB_FAILURE_REASONS(X) \\"]
    status = {r: e["status"] for e in schema["x-exit-statuses"] for r in e["reasons"]}
    reasons = [f"  X({identifier(r)}, {cpp_string(r)}, {status[r]})"
               for r, d in schema["x-failure-reasons"].items() if d["by"] == "labyrinth"]
    out.append(" \\\n".join(reasons))
    return "\n".join(out) + "\n"


def write_if_changed(path: Path, text: str) -> None:
    if not path.exists() or path.read_text() != text:  # unchanged: keep the timestamp, no rebuild
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def main(schema_path: str, out_dir: str) -> int:
    schema = json.loads(Path(schema_path).read_text())
    stats = stats_header(schema, schema_path)
    if stats is None:
        return 1
    write_if_changed(Path(out_dir) / "schema" / "run_schema.hpp", stats)
    write_if_changed(Path(out_dir) / "schema" / "run_axes.hpp", axes_header(schema, schema_path))
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
