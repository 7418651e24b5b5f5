// The requests a connection has in flight, indexed by tag. Pure bookkeeping, touched only on the
// connection's strand; ConnectionCore decides the transitions.
#pragma once

#include <cstdint>
#include <optional>
#include <system_error>
#include <vector>

#include "client/completion.h"
#include "client/reply.h"
#include "proto/message.h"

namespace p9::client {

struct PendingRequest {
  enum class Stage : uint8_t { Queued, Writing, Written };

  Stage stage = Stage::Queued;
  MsgType type{};  // of the request

  // send() waits for the frame to be written; Call::reply() waits for the outcome.
  Completion<std::error_code, uint16_t> on_written;
  Completion<std::error_code, Reply> on_reply;

  // The outcome, held here when it arrives before the caller asks for it.
  bool answered = false;
  std::error_code error;
  Reply reply;

  // The caller has taken the outcome, or dropped its Call without asking.
  bool collected = false;
  // Tflush requests naming this tag whose Rflush has not arrived: 9P forbids reusing the tag before.
  uint16_t flushes = 0;
  // For a Tflush: the tag it cancels.
  uint16_t flush_target = NOTAG;
};

class TagTable {
 public:
  // A free tag for an ordinary request, or nullopt when all 65535 (every value but NOTAG) are in use.
  // Tversion always uses NOTAG: allocate_version() gives it unless a Tversion is in flight.
  std::optional<uint16_t> allocate();
  std::optional<uint16_t> allocate_version();
  // Frees the tag; its entry is reset for the next request.
  void release(uint16_t tag);

  bool in_use(uint16_t tag) const noexcept;
  PendingRequest& operator[](uint16_t tag) noexcept;
  std::size_t in_flight() const noexcept { return in_flight_; }

  // Calls f(tag) for every tag in use; f may release the tag it is given.
  template <class F>
  void for_each_in_use(F f) {
    for (std::size_t t = 0; t < entries_.size(); ++t)
      if (used_[t]) f(static_cast<uint16_t>(t));
    if (version_used_) f(NOTAG);
  }

 private:
  std::vector<PendingRequest> entries_;  // grows to the most tags ever in flight at once
  std::vector<bool> used_;
  std::vector<uint16_t> free_;  // released tags, reused most recent first
  PendingRequest version_;
  bool version_used_ = false;
  std::size_t in_flight_ = 0;
};

}  // namespace p9::client
