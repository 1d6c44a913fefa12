// What both rule sets' routers share around their workers: the work order's
// queue, popped in a transaction as STAMP pops its work queue, and the thread
// pool: one worker per thread, the
// routing phase timed from the first spawn to the last join, and a worker's
// error rethrown only after every thread has joined (never a thread left
// running, never std::terminate from an escaping exception).
#pragma once
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <thread>
#include <vector>

#include "labyrinth/route_types.hpp"

namespace lb {

// The next position in the work order, shared by every worker (its own cache
// line: every pop writes it).
struct alignas(64) WorkQueue {
  int64_t head = 0;  // read and written in transactions only

  // Claims the next of `size` positions in a transaction of thread `th`;
  // -1 once every position is taken.
  template <class Thread>
  int64_t take(Thread& th, size_t size) {
    int64_t next = -1;
    th.atomically([&](auto& tx) {
      int64_t h = tx.load(&head);
      next = -1;
      if (h < (int64_t)size) {
        tx.store(&head, h + 1);
        next = h;
      }
    });
    return next;
  }
};

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
