// The thread pool both rule sets' routers share: one worker per thread, the
// routing phase timed from the first spawn to the last join, and a worker's
// error rethrown only after every thread has joined (never a thread left
// running, never std::terminate from an escaping exception).
#pragma once
#include <chrono>
#include <exception>
#include <thread>
#include <vector>

#include "labyrinth/route_types.hpp"

namespace lb {

// run_one(id) builds worker `id`, runs it and returns its WorkerResult.
template <class RunOne>
void run_worker_threads(int threads, RouteOutcome& out, RunOne run_one) {
  std::vector<std::exception_ptr> errors(threads);
  std::vector<std::thread> pool;
  out.workers.resize(threads);
  auto start = std::chrono::steady_clock::now();
  for (int id = 0; id < threads; ++id)
    pool.emplace_back([&, id] {
      try {
        out.workers[id] = run_one(id);
      } catch (...) {
        errors[id] = std::current_exception();
      }
    });
  for (auto& t : pool) t.join();
  out.elapsed_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  for (auto& e : errors)
    if (e) std::rethrow_exception(e);
}

}  // namespace lb
