#include "labyrinth/capability_check.hpp"

#include <stdexcept>
#include <string>

namespace lb {

void check_capabilities(const char* tm, const lbtm::Capabilities& c, const RouteRequest& req,
                        const char* restart_for) {
  using lbtm::Support;
  std::string name = tm;
  if (req.params.snapshot == Snapshot::kReleased && c.early_release == Support::kNo)
    throw std::invalid_argument(name + " cannot express --snapshot released: it has no early release "
                                       "(use raw, tracked or privatized)");
  if (req.params.private_access == PrivateAccess::kInstrumented && req.private_memory.filter &&
      c.private_predicate == Support::kNo)
    throw std::invalid_argument(name + " has no private-memory predicate, so --private instrumented logs the "
                                       "private grid whatever --private-filter says: run it with "
                                       "--private-filter off");
  if (restart_for != nullptr && req.threads > 1 && c.restart == Support::kNo)
    throw std::invalid_argument(name + " cannot restart a transaction as configured (" + restart_for +
                                " must): use -t 1, or a configuration that can (the record's tm.config says why)");
  if (!c.tx_alloc) throw std::invalid_argument(name + " has no transaction-safe allocation, which the router needs");
}

}  // namespace lb
