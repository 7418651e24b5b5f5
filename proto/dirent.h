// Directory entries inside Rreaddir's data: qid[13] offset[8] type[1] name[s], back to back.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "proto/message.h"

namespace p9 {

struct Dirent {
  Qid qid;
  uint64_t offset = 0;  // the cookie of the NEXT entry: Treaddir with it continues after this one
  uint8_t type = 0;     // DT_* value (d_type), not a QT* bit
  std::string_view name;

  static void fields(auto& m, auto&& f) {
    f("qid", m.qid);
    f("offset", m.offset);
    f("type", m.type);
    f("name", m.name);
  }
  friend bool operator==(const Dirent&, const Dirent&) = default;
};

// Bytes one entry with this name takes (24 + name length).
std::size_t dirent_size(std::string_view name) noexcept;

// Packs entries one after another into a caller buffer (typically sized by Treaddir.count).
class DirentPacker {
 public:
  explicit DirentPacker(std::span<std::byte> out) noexcept : out_(out) {}

  // Appends e; false (and nothing written) when it does not fit or its name exceeds 65535 bytes.
  bool add(const Dirent& e) noexcept;

  std::size_t size() const noexcept { return used_; }
  // The entries packed so far: Rreaddir{.data = packer.packed()}.
  std::span<const std::byte> packed() const noexcept { return out_.first(used_); }

 private:
  std::span<std::byte> out_;
  std::size_t used_ = 0;
};

// Reads entries back from Rreaddir data. Names are views into the data.
class DirentParser {
 public:
  explicit DirentParser(std::span<const std::byte> data) noexcept : rest_(data) {}

  // The next entry; nullopt at the end or at a truncated entry (then malformed() is true and every
  // later call returns nullopt too).
  std::optional<Dirent> next() noexcept;
  bool malformed() const noexcept { return malformed_; }

 private:
  std::span<const std::byte> rest_;
  bool malformed_ = false;
};

}  // namespace p9
