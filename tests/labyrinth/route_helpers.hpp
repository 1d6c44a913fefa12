// Routing a maze from a test, and checking the outcome with the verifier.
#pragma once
#include <gtest/gtest.h>

#include <string>

#include "labyrinth/maze.hpp"
#include "labyrinth/runtimes.hpp"
#include "labyrinth/summary.hpp"
#include "labyrinth/verify.hpp"

namespace lb_test {

// `private_filter` off: the TM logs private accesses too (--private-filter off).
inline lb::RouteOutcome route(const lb::Maze& maze, const std::string& tm, int threads,
                              lb::RouterParams params = {}, bool private_filter = true) {
  const lb::RuntimeEntry* rt = lb::find_runtime(tm);
  EXPECT_NE(rt, nullptr) << tm;
  lb::RouteRequest req;
  req.maze = &maze;
  req.order = lb::stamp_work_order(maze);
  req.params = params;
  req.threads = threads;
  req.private_memory = lb::malloc_private_memory();
  req.private_memory.filter = private_filter;
  return rt->route(req);
}

// Routes and verifies; returns the summary for comparisons.
inline lb::PathSummary route_verified(const lb::Maze& maze, const std::string& tm, int threads,
                                      lb::RouterParams params = {}, bool private_filter = true) {
  lb::RouteOutcome out = route(maze, tm, threads, params, private_filter);
  auto paths = lb::all_paths(out);
  lb::VerifyReport report = lb::verify_paths(maze, paths, &out.final_grid);
  EXPECT_TRUE(report.ok) << tm << " x" << threads << ": " << (report.problems.empty() ? "" : report.problems[0]);
  return lb::summarize(paths);
}

}  // namespace lb_test
