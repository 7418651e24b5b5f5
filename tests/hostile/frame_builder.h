// Hand-made frames for what the codec refuses to encode: wrong size fields, unknown types, 17 walk
// names, strings that lie about their length. Fields are appended little-endian as 9P has them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace p9::hostile {

using Bytes = std::vector<std::byte>;

class FrameBuilder {
 public:
  FrameBuilder& u8(uint8_t v) { return le(v, 1); }
  FrameBuilder& u16(uint16_t v) { return le(v, 2); }
  FrameBuilder& u32(uint32_t v) { return le(v, 4); }
  FrameBuilder& u64(uint64_t v) { return le(v, 8); }
  // A 9P string: u16 length + bytes.
  FrameBuilder& str(std::string_view s) {
    u16(static_cast<uint16_t>(s.size()));
    return raw(s);
  }
  FrameBuilder& raw(std::string_view s) {
    for (char c : s) body_.push_back(static_cast<std::byte>(c));
    return *this;
  }

  // size[4] type[1] tag[2] body, with size = the true length.
  Bytes frame(uint8_t type, uint16_t tag) const { return frame(type, tag, 7 + static_cast<uint32_t>(body_.size())); }
  // The same with a size field that may lie.
  Bytes frame(uint8_t type, uint16_t tag, uint32_t size_field) const {
    FrameBuilder head;
    head.u32(size_field).u8(type).u16(tag);
    Bytes out = head.body_;
    out.insert(out.end(), body_.begin(), body_.end());
    return out;
  }

 private:
  FrameBuilder& le(uint64_t v, int bytes) {
    for (int i = 0; i < bytes; ++i) body_.push_back(static_cast<std::byte>(v >> (8 * i)));
    return *this;
  }

  Bytes body_;
};

}  // namespace p9::hostile
