// Decoding must not touch the heap: strings, walk names and payloads are views into the frame.
// Its own executable because it replaces the global operator new to count allocations.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>

#include "proto/codec.h"
#include "proto/dirent.h"
#include "tests/proto/all_messages.h"
#include "tests/proto/frame_bytes.h"

namespace {
std::atomic<long> g_allocations{0};
}

void* operator new(std::size_t n) {
  ++g_allocations;
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace p9 {
namespace {

TEST(Decode, AllocatesNothing) {
  std::vector<std::vector<std::byte>> frames;
  for (const Fcall& f : test::all_messages()) frames.push_back(test::encode_to_vector(f));
  frames.push_back(test::from_hex("0b000000 70 0600 01000000"));  // an error result too

  const long before = g_allocations;
  ASSERT_GT(before, 0) << "operator new is not counted: the check below would prove nothing";
  std::size_t decoded = 0;
  for (const auto& frame : frames) decoded += decode(frame, 8192).ok();
  EXPECT_EQ(g_allocations - before, 0);
  EXPECT_EQ(decoded, frames.size() - 1);
}

TEST(DirentParser, AllocatesNothing) {
  std::byte buf[64];
  DirentPacker packer(buf);
  ASSERT_TRUE(packer.add({.qid = {}, .offset = 1, .type = 8, .name = "a"}));
  const long before = g_allocations;
  DirentParser parser(packer.packed());
  EXPECT_TRUE(parser.next().has_value());
  EXPECT_EQ(g_allocations - before, 0);
}

}  // namespace
}  // namespace p9
