#include "labyrinth/record.hpp"

#include <openssl/evp.h>

#include <ctime>
#include <type_traits>

#include "labyrinth/test_slowdown.hpp"

namespace lb {
namespace {

using nlohmann::json;

// Every counter under its record name (schema/run.schema.json, x-counter),
// then the statistics the schema derives from them (x-derived).
json stats_json(const lbtm::Stats& s) {
  json j;
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
json or_null(bool present, const T& value) {
  return present ? json(value) : json(nullptr);
}

// Writes each axis's field, as given, at its record path (for_each_axis).
struct EchoAxis {
  json& record;
  template <class T>
  void operator()(const lb_schema::Axis& axis, const T& field, const AxisUse& use) const {
    if (!use.echoed || axis.record.empty()) return;
    json value;
    if constexpr (std::is_enum_v<T>)
      value = to_string(field);
    else
      value = field;
    std::string pointer = "/" + std::string(axis.record);
    for (char& ch : pointer)
      if (ch == '.') ch = '/';
    record[json::json_pointer(pointer)] = value;
  }
};

json input_json(const RunConfig& c, const RunResult& r) {
  json input = {{"name", input_name(c.input)}, {"path", c.input},
                {"sha256", or_null(!r.input_sha256.empty(), r.input_sha256)}};
  const std::optional<Maze>& maze = r.maze;
  input["dims"] = maze ? json{maze->width, maze->height, maze->depth} : json(nullptr);
  input["pairs"] = maze ? json(maze->pairs.size()) : json(nullptr);
  input["walls"] = maze ? json(maze->walls.size()) : json(nullptr);
  input["format"] = maze ? json(to_string(maze->format)) : json(nullptr);
  input["pads"] = maze ? json(maze->pads.size()) : json(nullptr);
  input["chips"] = maze ? json(maze->chips.size()) : json(nullptr);
  return input;
}

json allocpage_json(const std::optional<allocpage_stats>& s) {
  if (!s) return nullptr;
  return {{"pages_in_use", s->pages_in_use},     {"high_water", s->high_water},
          {"pages_committed", s->pages_committed}, {"reserve_hits", s->reserve_hits},
          {"refills", s->refills},               {"failed_atomic", s->failed_atomic},
          {"foreign_frees", s->foreign_frees},   {"double_frees", s->double_frees},
          {"invalid_frees", s->invalid_frees}};
}

// What only an ok run has: a failed run carries no numbers that could be taken for a measurement.
void measurements(const RunResult& r, json& j) {
  const RouteOutcome& outcome = *r.outcome;
  double copy = 0, expand = 0;
  uint64_t reroutes = 0, dry_retries = 0;
  for (const WorkerResult& w : outcome.workers) {
    copy += w.copy_s;
    expand += w.expand_s;
    reroutes += w.reroutes;
    dry_retries += w.dry_reserve_retries;
  }
  j["time"] = {{"elapsed_s", outcome.elapsed_s},
               {"user_s", r.usage_after.user_s - r.usage_before.user_s},
               {"sys_s", r.usage_after.sys_s - r.usage_before.sys_s},
               {"copy_s", copy},
               {"expand_s", expand}};
  j["memory"] = {{"peak_rss_kb", r.usage_after.peak_rss_kb},
                 {"minor_faults", r.usage_after.minor_faults - r.usage_before.minor_faults},
                 {"major_faults", r.usage_after.major_faults - r.usage_before.major_faults}};
  j["tm_stats"] = stats_json(total_stats(outcome));
  j["router"] = {{"reroutes", reroutes}, {"dry_reserve_retries", dry_retries}};
  j["counters"] = r.counters.is_null() ? json{{"available", false}, {"reason", "not measured"}} : r.counters;
  j["syscalls"] = r.syscalls.is_null() ? json{{"available", false}, {"reason", "not measured"}} : r.syscalls;
}

}  // namespace

json make_record(const RunConfig& c, const RunResult& r, const Environment& env) {
  json j;
  j["schema"] = kRecordSchema;
  j["status"] = r.ok() ? "ok" : "failed";
  j["failure"] = r.ok() ? json(nullptr) : json{{"reason", to_string(r.failure->reason)}, {"message", r.failure->message}};
  j["input"] = input_json(c, r);
  j["tm"] = {{"config", r.outcome ? json(r.outcome->tm_config) : json::object()}};
  j["allocator"] = env.malloc_json();
  j["private_memory"] = {{"page_size", or_null(r.private_page_size > 0, r.private_page_size)},
                         {"allocpage", allocpage_json(r.allocpage)}};
  for_each_axis(c, EchoAxis{j});  // the configuration as given, at the schema's record paths
  j["repetition"] = c.repetition;
  j["result"] = r.summary ? json{{"paths_to_route", r.maze ? (int64_t)r.maze->pairs.size() : 0},
                                 {"paths_routed", r.summary->paths_routed},
                                 {"total_points", r.summary->total_points},
                                 {"path_hash", r.summary->hash_hex()},
                                 {"verified", r.verified}}
                          : json(nullptr);
  j["board"] = r.board ? json{{"laid", r.board->laid},
                              {"failed", r.board->failed},
                              {"vias", r.board->vias},
                              {"forced_vias", r.board->forced_vias},
                              {"track_cells", r.board->track_cells}}
                       : json(nullptr);
  for (const char* k : {"time", "memory", "tm_stats", "router", "counters", "syscalls"}) j[k] = nullptr;
  if (r.ok() && r.outcome) measurements(r, j);
  j["machine"] = env.machine_json();
  j["build"] = {{"test_slowdown_percent", kTestSlowdownPercent}};
  j["git_revision"] = env.git_revision;
  j["timestamp"] = utc_now();
  return j;
}

std::string sha256_file_hex(const std::string& path) {
  // Through the reader's checked read: a path swapped to a FIFO must not block here either.
  std::string bytes = read_input_text(path);
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
  EVP_DigestUpdate(ctx, bytes.data(), bytes.size());
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_DigestFinal_ex(ctx, md, &n);
  EVP_MD_CTX_free(ctx);
  static const char* digits = "0123456789abcdef";
  std::string hex;
  for (unsigned i = 0; i < n; ++i) hex += {digits[md[i] >> 4], digits[md[i] & 15]};
  return hex;
}

}  // namespace lb
