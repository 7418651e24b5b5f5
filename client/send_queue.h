// Frames waiting to be written, gathered into one scatter-gather write per batch. Each frame's head
// (everything but a Twrite payload) is encoded into an arena owned here; the payload stays in the
// caller's buffer and goes out as its own buffer, so it is never copied. While one batch is being
// written, new frames collect in a second arena for the next.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include <asio/buffer.hpp>

#include "proto/message.h"

namespace p9::client {

class SendQueue {
 public:
  // Queues f; false (nothing queued) when the codec cannot encode it (a field over its wire width).
  // The bytes of trailing_data(f) must stay valid until the batch holding f has been written.
  bool push(const Fcall& f);

  bool has_queued() const noexcept { return !queued_.tags.empty(); }
  bool writing() const noexcept { return !writing_.tags.empty(); }

  // Moves every queued frame into the batch being written and returns that batch's buffers.
  // Precondition: !writing() && has_queued().
  const std::vector<asio::const_buffer>& start_batch();
  // Tags of the frames in the batch being written / still queued, in order.
  std::span<const uint16_t> batch_tags() const noexcept { return writing_.tags; }
  std::span<const uint16_t> queued_tags() const noexcept { return queued_.tags; }
  void finish_batch();
  // Drops the queued frames (not the batch being written).
  void drop_queued();

 private:
  struct Frame {
    std::size_t head_offset;
    std::size_t head_size;
    std::span<const std::byte> payload;
  };
  struct Batch {
    std::vector<std::byte> heads;
    std::vector<Frame> frames;
    std::vector<uint16_t> tags;
    void clear() noexcept;
  };

  Batch queued_;
  Batch writing_;
  std::vector<asio::const_buffer> buffers_;
};

}  // namespace p9::client
