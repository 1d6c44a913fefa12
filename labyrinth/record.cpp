#include "labyrinth/record.hpp"

#include <sys/resource.h>

#include <chrono>
#include <ctime>

#include "labyrinth/git_revision.hpp"
#include "labyrinth/test_slowdown.hpp"

namespace lb {
namespace {

// Every counter under its record name (schema/run.schema.json, x-counter),
// then the statistics the schema derives from them (x-derived).
nlohmann::json stats_json(const lbtm::Stats& s) {
  nlohmann::json j;
  s.for_each([&](const char* name, uint64_t value, double scale) {
    if (scale == 1.0)
      j[name] = value;
    else
      j[name] = (double)value * scale;
  });
  auto mean = [](uint64_t total, uint64_t n) { return n ? (double)total / (double)n : 0.0; };
  j["aborts"] = s.aborts();
  j["read_set_mean"] = mean(s.read_set_total, s.commits);
  j["write_set_mean"] = mean(s.write_set_total, s.commits);
  return j;
}

std::string utc_now() {
  std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buf;
}

template <class T>
nlohmann::json or_null(bool present, const T& value) {
  return present ? nlohmann::json(value) : nlohmann::json(nullptr);
}

}  // namespace

ProcessUsage ProcessUsage::now() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  ProcessUsage u;
  u.user_s = (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec * 1e-6;
  u.sys_s = (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec * 1e-6;
  u.minor_faults = ru.ru_minflt;
  u.major_faults = ru.ru_majflt;
  u.peak_rss_kb = ru.ru_maxrss;
  return u;
}

std::string git_revision() { return kGitRevision; }

nlohmann::json RunRecord::to_json() const {
  using nlohmann::json;
  bool ok = failure_reason.empty();
  json j;
  j["schema"] = kRecordSchema;
  j["status"] = ok ? "ok" : "failed";
  j["failure"] = ok ? json(nullptr) : json{{"reason", failure_reason}, {"message", failure_message}};
  json input = {{"name", input_name}, {"path", input_path}, {"sha256", or_null(!input_sha256.empty(), input_sha256)}};
  if (maze != nullptr) {
    input["dims"] = {maze->width, maze->height, maze->depth};
    input["pairs"] = maze->pairs.size();
    input["walls"] = maze->walls.size();
    input["format"] = to_string(maze->format);
    input["pads"] = maze->pads.size();
    input["chips"] = maze->chips.size();
  } else {
    input["format"] = nullptr;
    input["pads"] = nullptr;
    input["chips"] = nullptr;
    input["dims"] = nullptr;
    input["pairs"] = nullptr;
    input["walls"] = nullptr;
  }
  j["input"] = input;
  j["params"] = {{"bend_cost", params.bend_cost}, {"x_cost", params.x_cost}, {"y_cost", params.y_cost},
                 {"z_cost", params.z_cost}};
  j["rules"] = rules;
  j["tm"] = {{"name", tm_name}, {"config", tm_config}};
  j["mode"] = {{"snapshot", to_string(params.snapshot)}, {"private", to_string(params.private_access)}};
  json alloc = malloc_info();
  alloc["requested"] = allocator_requested;
  j["allocator"] = alloc;
  j["private_memory"] = {{"source", private_source},
                         {"page_size", or_null(private_page_size > 0, private_page_size)},
                         {"filter", private_filter},
                         {"allocpage", private_stats}};
  j["threads"] = threads;
  j["repetition"] = repetition;
  if (summary) {
    j["result"] = {{"paths_to_route", maze ? (int64_t)maze->pairs.size() : 0},
                   {"paths_routed", summary->paths_routed},
                   {"total_points", summary->total_points},
                   {"path_hash", summary->hash_hex()},
                   {"verified", verified}};
  } else {
    j["result"] = nullptr;
  }
  j["board"] = board ? json{{"laid", board->laid},
                            {"failed", board->failed},
                            {"vias", board->vias},
                            {"forced_vias", board->forced_vias},
                            {"track_cells", board->track_cells}}
                     : json(nullptr);
  // A failed run carries no numbers that could be mistaken for a measurement.
  if (ok && outcome != nullptr) {
    double copy = 0, expand = 0;
    uint64_t reroutes = 0;
    for (const WorkerResult& w : outcome->workers) {
      copy += w.copy_s;
      expand += w.expand_s;
      reroutes += w.reroutes;
    }
    j["time"] = {{"elapsed_s", outcome->elapsed_s},
                 {"user_s", usage_after.user_s - usage_before.user_s},
                 {"sys_s", usage_after.sys_s - usage_before.sys_s},
                 {"copy_s", copy},
                 {"expand_s", expand}};
    j["memory"] = {{"peak_rss_kb", usage_after.peak_rss_kb},
                   {"minor_faults", usage_after.minor_faults - usage_before.minor_faults},
                   {"major_faults", usage_after.major_faults - usage_before.major_faults}};
    j["tm_stats"] = stats_json(total_stats(*outcome));
    j["router"] = {{"reroutes", reroutes}};
    j["counters"] = counters.is_null() ? nlohmann::json{{"available", false}, {"reason", "not measured"}} : counters;
    j["syscalls"] = syscalls.is_null() ? nlohmann::json{{"available", false}, {"reason", "not measured"}} : syscalls;
  } else {
    j["router"] = nullptr;
    j["counters"] = nullptr;
    j["syscalls"] = nullptr;
    j["time"] = nullptr;
    j["memory"] = nullptr;
    j["tm_stats"] = nullptr;
  }
  j["machine"] = machine_info();
  j["build"] = {{"test_slowdown_percent", kTestSlowdownPercent}};
  j["git_revision"] = git_revision();
  j["timestamp"] = utc_now();
  return j;
}

}  // namespace lb
