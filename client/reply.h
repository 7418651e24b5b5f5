// A decoded reply together with the frame it was decoded from: strings and Data in fcall() are views
// into that frame, so they live exactly as long as the Reply (moving a Reply keeps them valid).
#pragma once

#include <cstddef>
#include <cstdint>
#include <system_error>
#include <vector>

#include "client/error.h"
#include "proto/codec.h"

namespace p9::client {

class Reply {
 public:
  Reply() = default;
  // Decodes `frame` (one whole R-message). On a frame the codec rejects, ok() is false and error()
  // says why; header() then has the tag when it was readable.
  Reply(std::vector<std::byte> frame, uint32_t msize);

  Reply(Reply&&) noexcept = default;
  Reply& operator=(Reply&&) noexcept = default;
  Reply(const Reply&) = delete;  // a copy's views would point into the original's frame
  Reply& operator=(const Reply&) = delete;

  bool ok() const noexcept { return result_.ok(); }
  const DecodeResult& decoded() const noexcept { return result_; }
  const Fcall& fcall() const noexcept { return result_.fcall(); }
  uint16_t tag() const noexcept { return result_.fcall().tag; }
  MsgType type() const noexcept { return result_.fcall().type(); }

  // The body as R; throws std::system_error(Errc::unexpected_reply) when it is another message.
  template <class R>
  const R& as() const {
    if (const R* r = std::get_if<R>(&fcall().msg)) return *r;
    throw std::system_error(make_error_code(Errc::unexpected_reply), std::string(msg_name(R::msg_type)));
  }

 private:
  std::vector<std::byte> frame_;
  DecodeResult result_{DecodeError::FrameTooShort, std::nullopt};
};

}  // namespace p9::client
