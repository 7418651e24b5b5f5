#include "client/send_queue.h"

#include <gtest/gtest.h>

#include <cstring>

#include "proto/codec.h"

namespace p9::client {
namespace {

std::vector<std::byte> concatenated(const std::vector<asio::const_buffer>& buffers) {
  std::vector<std::byte> bytes;
  for (const asio::const_buffer& b : buffers) {
    const auto* p = static_cast<const std::byte*>(b.data());
    bytes.insert(bytes.end(), p, p + b.size());
  }
  return bytes;
}

std::vector<std::byte> encoded(const Fcall& f) {
  std::vector<std::byte> frame(encoded_size(f));
  encode(f, frame);
  return frame;
}

TEST(SendQueue, TwritePayloadIsGatheredFromTheCallersBufferNotCopied) {
  std::vector<std::byte> payload(1 << 20);
  for (std::size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<std::byte>(i * 7);
  const Fcall write{.tag = 3, .msg = Twrite{.fid = 1, .offset = 4096, .data = payload}};

  SendQueue queue;
  ASSERT_TRUE(queue.push(write));
  const auto& buffers = queue.start_batch();
  ASSERT_EQ(buffers.size(), 2u);  // head, then the payload where it lies
  EXPECT_EQ(buffers[1].data(), payload.data());
  EXPECT_EQ(buffers[1].size(), payload.size());
  EXPECT_EQ(concatenated(buffers), encoded(write));
}

TEST(SendQueue, FramesQueuedDuringAWriteGoOutInTheNextBatchInOrder) {
  SendQueue queue;
  const Fcall first{.tag = 1, .msg = Tclunk{.fid = 10}};
  const Fcall second{.tag = 2, .msg = Twalk{.fid = 0, .newfid = 5, .wnames = {"a", "b"}}};
  const Fcall third{.tag = 3, .msg = Tclunk{.fid = 11}};
  ASSERT_TRUE(queue.push(first));
  ASSERT_TRUE(queue.push(second));
  const std::vector<std::byte> batch1 = concatenated(queue.start_batch());
  EXPECT_TRUE(queue.writing());
  EXPECT_EQ(std::vector<uint16_t>(queue.batch_tags().begin(), queue.batch_tags().end()),
            (std::vector<uint16_t>{1, 2}));

  ASSERT_TRUE(queue.push(third));  // while batch 1 is being written
  std::vector<std::byte> expected = encoded(first);
  const std::vector<std::byte> second_frame = encoded(second);
  expected.insert(expected.end(), second_frame.begin(), second_frame.end());
  EXPECT_EQ(batch1, expected);

  queue.finish_batch();
  EXPECT_FALSE(queue.writing());
  ASSERT_TRUE(queue.has_queued());
  EXPECT_EQ(concatenated(queue.start_batch()), encoded(third));
  EXPECT_EQ(queue.batch_tags().size(), 1u);
}

TEST(SendQueue, UnencodableFrameIsRefusedAndLeavesTheQueueAsItWas) {
  SendQueue queue;
  const std::string long_name(70000, 'x');  // a string field holds at most 65535 bytes
  EXPECT_FALSE(queue.push(Fcall{.tag = 1, .msg = Tmkdir{.dfid = 0, .name = long_name, .mode = 0755, .gid = 0}}));
  EXPECT_FALSE(queue.has_queued());
  ASSERT_TRUE(queue.push(Fcall{.tag = 2, .msg = Tclunk{.fid = 1}}));
  EXPECT_EQ(concatenated(queue.start_batch()), encoded(Fcall{.tag = 2, .msg = Tclunk{.fid = 1}}));
}

TEST(SendQueue, DropQueuedKeepsTheBatchBeingWritten) {
  SendQueue queue;
  ASSERT_TRUE(queue.push(Fcall{.tag = 1, .msg = Tclunk{.fid = 1}}));
  queue.start_batch();
  ASSERT_TRUE(queue.push(Fcall{.tag = 2, .msg = Tclunk{.fid = 2}}));
  queue.drop_queued();
  EXPECT_FALSE(queue.has_queued());
  ASSERT_EQ(queue.batch_tags().size(), 1u);
  EXPECT_EQ(queue.batch_tags()[0], 1);
}

}  // namespace
}  // namespace p9::client
