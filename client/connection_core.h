// The state behind a Connection: socket, strand, tag table, send queue and the reader coroutine.
// Every member function except msize() and fids() runs on the strand, which is what makes the
// connection safe to use from an io_context run by several threads without a lock across co_await.
// Kept alive by shared_ptr from the reader, the pending write and each Call.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <system_error>
#include <vector>

#include <asio/any_io_executor.hpp>
#include <asio/awaitable.hpp>
#include <asio/strand.hpp>

#include "client/completion.h"
#include "client/fid_pool.h"
#include "client/frame_reader.h"
#include "client/reply.h"
#include "client/send_queue.h"
#include "client/tag_table.h"

namespace p9::client {

class ConnectionCore : public std::enable_shared_from_this<ConnectionCore> {
 public:
  using Strand = asio::strand<asio::any_io_executor>;

  // Takes ownership of fd, a connected stream socket (TCP gets TCP_NODELAY). Throws std::system_error.
  ConnectionCore(asio::any_io_executor executor, int fd);
  // Starts the reader; call once, right after construction.
  void start();

  Strand& strand() noexcept { return strand_; }
  uint32_t msize() const noexcept { return msize_.load(std::memory_order_relaxed); }
  FidPool& fids() noexcept { return fids_; }

  // Queues request under a new tag; on_written gets the tag once the whole frame is written, or an
  // error (then no tag is held).
  void submit(Message request, Completion<std::error_code, uint16_t> on_written);
  // Hands tag's outcome to on_reply (now or when it arrives) and gives the tag up once 9P allows.
  void collect(uint16_t tag, Completion<std::error_code, Reply> on_reply);
  // The caller will never collect tag's outcome.
  void abandon(uint16_t tag);
  // Fails every pending and later request with `why` and closes the socket. Idempotent.
  void fail(std::error_code why);

 private:
  asio::awaitable<void> read_replies(std::shared_ptr<ConnectionCore> self);
  void on_frame(std::vector<std::byte> frame);
  void write_queued();
  void on_written(std::error_code ec);

  // Records tag's outcome (the reply, or an error) and resolves a Tflush it answers.
  void finish(uint16_t tag, std::error_code ec, Reply reply);
  void answer(uint16_t tag, std::error_code ec, Reply reply);
  void release_if_done(uint16_t tag);

  Strand strand_;
  Socket socket_;
  FrameReader reader_;
  SendQueue send_queue_;
  TagTable tags_;
  FidPool fids_;
  // The largest frame either side may send: Tversion's proposal until Rversion, then the agreed size.
  std::atomic<uint32_t> msize_{MIN_MSIZE};
  std::error_code failure_;
};

}  // namespace p9::client
