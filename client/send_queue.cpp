#include "client/send_queue.h"

#include <utility>

#include "proto/codec.h"

namespace p9::client {

void SendQueue::Batch::clear() noexcept {
  heads.clear();
  frames.clear();
  tags.clear();
}

bool SendQueue::push(const Fcall& f) {
  const std::span<const std::byte> payload = trailing_data(f);
  const std::size_t offset = queued_.heads.size();
  const std::size_t head_size = encoded_size(f) - payload.size();
  queued_.heads.resize(offset + head_size);
  if (encode_head(f, std::span(queued_.heads).subspan(offset)) != head_size) {
    queued_.heads.resize(offset);
    return false;
  }
  queued_.frames.push_back({offset, head_size, payload});
  queued_.tags.push_back(f.tag);
  return true;
}

const std::vector<asio::const_buffer>& SendQueue::start_batch() {
  // Swapping (not moving) keeps both batches' capacity: the steady state allocates nothing.
  std::swap(queued_, writing_);
  queued_.clear();
  buffers_.clear();
  for (const Frame& f : writing_.frames) {
    buffers_.emplace_back(writing_.heads.data() + f.head_offset, f.head_size);
    if (!f.payload.empty()) buffers_.emplace_back(f.payload.data(), f.payload.size());
  }
  return buffers_;
}

void SendQueue::finish_batch() {
  writing_.clear();
  buffers_.clear();
}

void SendQueue::drop_queued() { queued_.clear(); }

}  // namespace p9::client
