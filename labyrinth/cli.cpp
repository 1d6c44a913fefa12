#include "labyrinth/cli.hpp"

#include <CLI/CLI.hpp>

#include <cstdio>
#include <map>
#include <string>
#include <type_traits>

#include "allocators/malloc_select.hpp"
#include "labyrinth/int_option.hpp"
#include "labyrinth/run_error.hpp"
#include "labyrinth/runtimes.hpp"

namespace lb {
namespace {

// The option for one axis: its names and values from the schema, its help and
// range from AxisUse, its conversion from the field's type.
struct AddAxisOption {
  CLI::App& app;

  template <class T>
  void operator()(const lb_schema::Axis& axis, T& field, const AxisUse& use) const {
    std::string names(axis.option);
    if (use.alias != nullptr) names += std::string(",") + use.alias;
    std::string help = use.help;
    if (axis.name == "tm")
      for (const auto& e : runtime_table()) help += std::string("\n  ") + e.name + ": " + e.summary;
    CLI::Option* opt = app.add_option(names, field, help);
    if (!axis.default_text.empty()) opt->default_str(std::string(axis.default_text));
    if constexpr (std::is_enum_v<T>) {
      // The schema's value names mapped to the enumerators that print as them (to_string).
      std::map<std::string, T> by_name;
      for (std::string_view v : axis.values)
        for (int i = 0; std::string_view(to_string(T(i))) != "?"; ++i)
          if (v == to_string(T(i))) by_name.emplace(std::string(v), T(i));
      opt->transform(CLI::CheckedTransformer(by_name));
    } else if constexpr (std::is_same_v<T, bool>) {
      std::map<std::string, bool> by_name;
      for (const lb_schema::RecordValue& rv : axis.record_values) by_name.emplace(std::string(rv.value), rv.json == "true");
      opt->transform(CLI::CheckedTransformer(by_name));
    } else if constexpr (std::is_integral_v<T>) {
      opt->transform(whole_number_in(use.min, use.max));
    } else if constexpr (std::is_same_v<T, std::string>) {
      if (!axis.values.empty()) opt->check(CLI::IsMember(std::vector<std::string>(axis.values.begin(), axis.values.end())));
    }
  }
};

void list_allocators() {
  for (const malloc_library& m : malloc_known())
    std::printf("%-10s %s\n", m.name.c_str(),
                !m.found ? "(not found when configured)" : m.path.empty() ? "(no preload)" : m.path.c_str());
}

}  // namespace

CommandLine parse_command_line(int argc, char** argv) {
  CommandLine out;
  RunConfig& c = out.config;
  CLI::App app{"labyrinth: STAMP's Labyrinth maze router over interchangeable TM runtimes"};
  app.get_formatter()->column_width(34);
  for_each_axis(c, AddAxisOption{app});
  app.get_option("-i")->required();
  app.add_option("--format", c.format, "input format, instead of detecting it: stamp or lee (Lee-TM board)")
      ->check(CLI::IsMember({"stamp", "lee"}));
  app.add_flag("-p", c.print, "print the routed maze");
  app.add_option("--json", c.json,
                 "write the result record (JSON line) to FILE, or - for stdout.  Outputs: a regular or new "
                 "file is replaced atomically (temporary file, renamed over it); a symlink is followed (its "
                 "target is written, the link stays); a character device or FIFO is written in place; "
                 "anything else, the input file, or --json and --paths naming one file is refused (exit 2)");
  app.add_option("--paths", c.paths, "write every routed path to FILE (pair's input line: cells), as --json writes");
  // Any whole number: the harness numbers its warm-ups -1, -2, ... (harness/suite.py).
  app.add_option("--repetition", c.repetition, "repetition number, recorded as given (negative: a warm-up)")
      ->transform(whole_number_in(INT64_MIN, INT64_MAX));
  app.add_flag_callback("--list-allocators", [] {
    list_allocators();
    throw CLI::Success();
  }, "list the mallocs this build knows and exit");
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    out.exit_status = app.exit(e);
  } catch (const CLI::Success& e) {  // --list-allocators
    out.exit_status = app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "labyrinth: %s\nRun with --help for the options.\n", e.what());
    out.exit_status = exit_status(FailureReason::kUsage);
  }
  return out;
}

}  // namespace lb
