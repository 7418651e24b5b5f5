#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "proto/dirent.h"

namespace p9 {
namespace {

Dirent entry(std::string_view name, uint64_t cookie) {
  return {.qid = {QTFILE, 1, cookie * 10}, .offset = cookie, .type = 8, .name = name};
}

TEST(Dirent, SizeIsHeaderPlusName) {
  EXPECT_EQ(dirent_size(""), 24u);
  EXPECT_EQ(dirent_size("a.txt"), 29u);
}

TEST(Dirent, PackerStopsWhenFullWithoutPartialEntry) {
  // Room for two 25-byte entries and 10 bytes more: the third does not fit.
  std::vector<std::byte> buf(60, std::byte{0xee});
  DirentPacker packer(buf);
  EXPECT_TRUE(packer.add(entry("a", 1)));
  EXPECT_TRUE(packer.add(entry("b", 2)));
  EXPECT_FALSE(packer.add(entry("c", 3)));
  EXPECT_EQ(packer.size(), 50u);
  EXPECT_EQ(packer.packed().size(), 50u);
  for (std::size_t i = 50; i < buf.size(); ++i) EXPECT_EQ(buf[i], std::byte{0xee}) << i;
}

TEST(Dirent, ExactFit) {
  std::vector<std::byte> buf(dirent_size("name"));
  DirentPacker packer(buf);
  EXPECT_TRUE(packer.add(entry("name", 1)));
  EXPECT_FALSE(packer.add(entry("", 2)));
}

TEST(Dirent, ParserReadsBackWhatWasPacked) {
  const std::vector<std::string> names{".", "..", "file", std::string(255, 'x')};
  std::vector<std::byte> buf(2048);
  DirentPacker packer(buf);
  for (std::size_t i = 0; i < names.size(); ++i) ASSERT_TRUE(packer.add(entry(names[i], i + 1)));

  DirentParser parser(packer.packed());
  for (std::size_t i = 0; i < names.size(); ++i) {
    auto e = parser.next();
    ASSERT_TRUE(e.has_value()) << i;
    EXPECT_EQ(*e, entry(names[i], i + 1));
  }
  EXPECT_FALSE(parser.next().has_value());
  EXPECT_FALSE(parser.malformed());
}

TEST(Dirent, EmptyDataHasNoEntries) {
  DirentParser parser({});
  EXPECT_FALSE(parser.next().has_value());
  EXPECT_FALSE(parser.malformed());
}

TEST(Dirent, TruncatedEntryIsMalformed) {
  std::vector<std::byte> buf(64);
  DirentPacker packer(buf);
  ASSERT_TRUE(packer.add(entry("first", 1)));
  ASSERT_TRUE(packer.add(entry("second", 2)));
  const auto whole = packer.packed();
  // Cut anywhere inside the second entry: the first still parses, then the parser reports damage.
  for (std::size_t cut = dirent_size("first") + 1; cut < whole.size(); ++cut) {
    DirentParser parser(whole.first(cut));
    ASSERT_TRUE(parser.next().has_value());
    EXPECT_FALSE(parser.next().has_value());
    EXPECT_TRUE(parser.malformed()) << cut;
    EXPECT_FALSE(parser.next().has_value());
  }
}

}  // namespace
}  // namespace p9
