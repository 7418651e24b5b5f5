// Decoding and encoding of whole 9P frames: size[4] type[1] tag[2] body.
// Pure functions over caller-owned buffers: no I/O, no exceptions, no heap allocation.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <utility>
#include <variant>

#include "proto/message.h"

namespace p9 {

enum class DecodeError : uint8_t {
  // The frame boundary is unknown or untrustworthy: the stream cannot continue (disconnect).
  FrameTooShort,  // fewer than the 7 header bytes (or 4 size bytes for frame_size)
  SizeTooSmall,   // size field < 7
  SizeTooLarge,   // size field > msize
  SizeMismatch,   // size field disagrees with the length of the buffer handed to decode
  // The frame is well delimited and its tag known: answer Rlerror(errno_for(e)) and go on.
  Truncated,            // a string, count or field runs past the end of the frame
  UnknownType,          // type byte names no 9P2000.L message
  TooManyWalkElements,  // more than MAXWELEM names in Twalk or qids in Rwalk
  TrailingBytes,        // bytes left after the last field
  UnexpectedReply,      // an R-message where a T-message was expected
  UnexpectedRequest,    // a T-message where an R-message was expected
};

// Human-readable text for logs, e.g. "size field larger than msize".
std::string_view describe(DecodeError e) noexcept;
// The errno to put in Rlerror for an answerable error:
//   EOPNOTSUPP  UnknownType (e.g. a 9P2000/.u message the .L server does not speak)
//   EINVAL      TooManyWalkElements (as QEMU and Linux's own limit)
//   EMSGSIZE    SizeTooLarge
//   EPROTO      everything else (malformed frame)
int errno_for(DecodeError e) noexcept;
// True when the stream's framing is lost and the connection must be dropped; false when the frame
// can be answered with Rlerror on its tag.
bool is_fatal(DecodeError e) noexcept;

// The 7-byte header, known as soon as it could be read.
struct FrameHeader {
  uint32_t size = 0;
  MsgType type{};  // raw byte: may name no message
  uint16_t tag = NOTAG;
};

class DecodeResult {
 public:
  DecodeResult(Fcall f) noexcept : value_(std::move(f)) {}  // NOLINT: implicit success
  DecodeResult(DecodeError e, std::optional<FrameHeader> header) noexcept
      : value_(e), header_(header) {}

  bool ok() const noexcept { return std::holds_alternative<Fcall>(value_); }
  explicit operator bool() const noexcept { return ok(); }

  // Preconditions: ok() / !ok().
  const Fcall& fcall() const& noexcept { return *std::get_if<Fcall>(&value_); }
  Fcall& fcall() & noexcept { return *std::get_if<Fcall>(&value_); }
  DecodeError error() const noexcept { return *std::get_if<DecodeError>(&value_); }

  // On failure: the header when it was readable (always for non-fatal errors) — the tag to answer.
  const std::optional<FrameHeader>& header() const noexcept { return header_; }

 private:
  std::variant<Fcall, DecodeError> value_;
  std::optional<FrameHeader> header_;
};

// Which messages the caller accepts: a server takes requests, a client replies.
enum class Direction : uint8_t { Any, Request, Reply };

// Decodes one whole frame (exactly size[4] bytes long). Strings and Data in the result are views
// into `frame`: keep the buffer alive while using them. Never throws, never allocates.
DecodeResult decode(std::span<const std::byte> frame, uint32_t msize,
                    Direction expect = Direction::Any) noexcept;

// For a stream reader: the total length of the frame whose first bytes are `prefix` (at least the
// 4 size bytes), validated against msize. error is FrameTooShort / SizeTooSmall / SizeTooLarge.
struct FrameSize {
  uint32_t size = 0;
  std::optional<DecodeError> error;
  bool ok() const noexcept { return !error; }
};
FrameSize frame_size(std::span<const std::byte> prefix, uint32_t msize) noexcept;

// Bytes encode() will write for f.
std::size_t encoded_size(const Fcall& f) noexcept;

// Writes the whole frame of f into out; returns the bytes written, or 0 when out is smaller than
// encoded_size(f) or a field does not fit its wire width (a string over 65535 bytes, Data over 4 GiB).
std::size_t encode(const Fcall& f, std::span<std::byte> out) noexcept;

// The trailing Data payload of Rread, Rreaddir or Twrite (empty span for other messages).
std::span<const std::byte> trailing_data(const Fcall& f) noexcept;

// For scatter-gather: writes everything of the frame except the bytes of trailing_data(f); the size
// and count fields still account for them. Send the head, then trailing_data(f), e.g. with one
// writev, and the payload is never copied. Returns bytes written (encoded_size - payload) or 0 as
// encode does. For messages without trailing Data it is the same as encode.
std::size_t encode_head(const Fcall& f, std::span<std::byte> out) noexcept;

}  // namespace p9
