#include "store/sync/wait_list.h"

#include <array>
#include <cstdint>

namespace p9::sync_detail {

namespace {

// One cache line per stripe so that guards of unrelated objects do not share a line.
struct alignas(64) Stripe {
  std::mutex mutex;
};
constexpr unsigned kStripeBits = 6;
std::array<Stripe, std::size_t{1} << kStripeBits> stripes;

}  // namespace

std::mutex& queue_guard(const void* owner) noexcept {
  // Fibonacci hashing: nodes sit at regular strides, which a plain modulo would fold onto few stripes.
  const auto address = static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(owner));
  return stripes[(address * 0x9e37'79b9'7f4a'7c15u) >> (64 - kStripeBits)].mutex;
}

void WaitList::push_back(WaitNode& node) noexcept {
  node.parked = true;
  if (head_ == nullptr) {
    node.prev = node.next = &node;
    head_ = &node;
    return;
  }
  WaitNode* tail = head_->prev;
  node.prev = tail;
  node.next = head_;
  tail->next = &node;
  head_->prev = &node;
}

void WaitList::remove(WaitNode& node) noexcept {
  if (node.next == &node) {
    head_ = nullptr;
  } else {
    node.prev->next = node.next;
    node.next->prev = node.prev;
    if (head_ == &node) head_ = node.next;
  }
  node.prev = node.next = nullptr;
  node.parked = false;
}

void ReadyList::push_back(WaitNode& node) noexcept {
  node.next = nullptr;
  if (tail_ == nullptr) {
    head_ = &node;
  } else {
    tail_->next = &node;
  }
  tail_ = &node;
}

void ReadyList::resume_all(const std::error_code& ec) {
  while (head_ != nullptr) {
    WaitNode& node = *head_;
    head_ = node.next;  // read before resume(): the node may be gone as soon as it is posted
    node.resume(ec);
  }
  tail_ = nullptr;
}

}  // namespace p9::sync_detail
