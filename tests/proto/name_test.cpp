#include <gtest/gtest.h>

#include <cerrno>
#include <string>

#include "proto/name.h"

namespace p9 {
namespace {

struct NameCase {
  const char* label;
  std::string name;
  int walk;   // errno for NameUse::Walk
  int entry;  // errno for NameUse::Entry
};

void PrintTo(const NameCase& c, std::ostream* os) { *os << c.label; }

const NameCase kNames[] = {
    {"Plain", "file.txt", 0, 0},
    {"Utf8", "\xc3\xa9t\xc3\xa9", 0, 0},
    {"HiddenFile", ".profile", 0, 0},
    {"ThreeDots", "...", 0, 0},
    {"Spaces", "a b", 0, 0},
    {"Dot", ".", 0, EINVAL},
    {"DotDot", "..", 0, EINVAL},
    {"Empty", "", EINVAL, EINVAL},
    {"Slash", "a/b", EINVAL, EINVAL},
    {"OnlySlash", "/", EINVAL, EINVAL},
    {"Nul", std::string("a\0b", 3), EINVAL, EINVAL},
    {"Max255", std::string(255, 'n'), 0, 0},
    {"Over255", std::string(256, 'n'), ENAMETOOLONG, ENAMETOOLONG},
    {"Over255WithSlash", std::string(255, 'n') + "/", ENAMETOOLONG, ENAMETOOLONG},
};

class NameCheck : public ::testing::TestWithParam<NameCase> {};

TEST_P(NameCheck, Walk) { EXPECT_EQ(check_name(GetParam().name, NameUse::Walk), GetParam().walk); }
TEST_P(NameCheck, Entry) { EXPECT_EQ(check_name(GetParam().name, NameUse::Entry), GetParam().entry); }

INSTANTIATE_TEST_SUITE_P(Table, NameCheck, ::testing::ValuesIn(kNames),
                         [](const auto& info) { return std::string(info.param.label); });

}  // namespace
}  // namespace p9
