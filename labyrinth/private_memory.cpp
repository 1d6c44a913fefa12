// The parts of PrivateMemory every source shares: the refusal to allocate or
// free plain inside a transaction, the transaction-safe source, and bad
// frees turned into a reported error instead of an exception from a
// destructor or a commit.
#include "labyrinth/private_memory.hpp"

#include <stdexcept>

namespace lb {

PrivateMemory::PrivateMemory()
    : tx_source_{&source_allocate, &source_deallocate, this},
      atomic_source_{&source_allocate_atomic, &source_deallocate, this} {}

void* PrivateMemory::allocate(size_t bytes) {
  if (lbtm::in_transaction())
    throw std::logic_error("private memory allocated inside a transaction: use tx.alloc(bytes, tx_source())");
  return do_allocate(bytes);
}

void PrivateMemory::deallocate(void* p, size_t bytes) {
  if (lbtm::in_transaction())
    throw std::logic_error("private memory freed inside a transaction: use tx.free(p, bytes, tx_source())");
  release(p, bytes);
}

bool PrivateMemory::refill(size_t bytes) {
  if (lbtm::in_transaction())
    throw std::logic_error("private memory refilled inside a transaction: a refill may block; refill after it");
  return do_refill(bytes);
}

void PrivateMemory::release(void* p, size_t bytes) noexcept {
  std::string why;
  if (do_deallocate(p, bytes, &why)) return;
  if (error_.empty()) error_ = "bad free of private memory: " + why;
}

void* PrivateMemory::source_allocate(void* self, size_t bytes) {
  return static_cast<PrivateMemory*>(self)->do_allocate(bytes);
}

void* PrivateMemory::source_allocate_atomic(void* self, size_t bytes) {
  return static_cast<PrivateMemory*>(self)->do_allocate_atomic(bytes);
}

void PrivateMemory::source_deallocate(void* self, void* p, size_t bytes) noexcept {
  static_cast<PrivateMemory*>(self)->release(p, bytes);
}

}  // namespace lb
