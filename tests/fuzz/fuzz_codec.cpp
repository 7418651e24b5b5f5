// libFuzzer target for the codec. Any input must decode without a crash or sanitizer report; an input
// that decodes must re-encode to exactly the same bytes (decoding is strict: every byte belongs to a
// field), decode again to the same Fcall, print, and split into head + payload consistently.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <span>
#include <vector>

#include "proto/codec.h"
#include "proto/dirent.h"
#include "proto/print.h"

namespace {

constexpr uint32_t kMsize = 1 << 20;  // Linux's socket maximum

void check(bool ok) {
  if (!ok) std::abort();
}

// Readdir data is opaque to decode; parse it and check each entry re-packs to the same bytes.
void check_dirents(std::span<const std::byte> data) {
  p9::DirentParser parser(data);
  std::size_t offset = 0;
  while (auto e = parser.next()) {
    const std::size_t n = p9::dirent_size(e->name);
    std::vector<std::byte> packed(n);
    p9::DirentPacker packer(packed);
    check(packer.add(*e));
    check(std::memcmp(packed.data(), data.data() + offset, n) == 0);
    offset += n;
  }
  check(parser.malformed() == (offset != data.size()));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* bytes, std::size_t size) {
  const auto in = std::as_bytes(std::span(bytes, size));
  (void)p9::frame_size(in, kMsize);

  const p9::DecodeResult r = p9::decode(in, kMsize);
  if (!r.ok()) {
    check(!p9::describe(r.error()).empty());
    check(r.header().has_value() || r.error() == p9::DecodeError::FrameTooShort);
    return 0;
  }
  const p9::Fcall& f = r.fcall();
  check(!p9::to_string(f).empty());

  check(p9::encoded_size(f) == size);
  std::vector<std::byte> out(size);
  check(p9::encode(f, out) == size);
  check(std::memcmp(out.data(), in.data(), size) == 0);

  const p9::DecodeResult again = p9::decode(out, kMsize);
  check(again.ok() && again.fcall() == f);

  const auto payload = p9::trailing_data(f);
  std::vector<std::byte> head(size - payload.size());
  check(p9::encode_head(f, head) == head.size());
  check(std::memcmp(head.data(), out.data(), head.size()) == 0);

  if (const auto* readdir = std::get_if<p9::Rreaddir>(&f.msg)) check_dirents(readdir->data.bytes);
  return 0;
}
