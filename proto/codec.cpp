#include "proto/codec.h"

#include <array>
#include <cerrno>
#include <limits>
#include <type_traits>
#include <utility>

#include "proto/wire.h"

namespace p9 {
namespace {

using MessageDecoder = void (*)(wire::Reader&, Message&);

template <std::size_t I>
void decode_body(wire::Reader& in, Message& out) {
  in.read_fields(out.emplace<I>());
}

// Type byte -> decoder of that message's body, built from the Message variant itself so that adding
// a message to the variant is the only step needed. nullptr: no such 9P2000.L message.
constexpr auto kDecoders = []<std::size_t... I>(std::index_sequence<I...>) {
  std::array<MessageDecoder, 256> table{};
  ((table[static_cast<uint8_t>(std::variant_alternative_t<I, Message>::msg_type)] = &decode_body<I>), ...);
  return table;
}(std::make_index_sequence<std::variant_size_v<Message>>{});

uint32_t load_u32(std::span<const std::byte> bytes) noexcept {
  uint32_t v = 0;
  wire::Reader(bytes).read(v);
  return v;
}

wire::Measure measure(const Fcall& f) noexcept {
  wire::Measure m;
  m.add(uint32_t{});  // size
  m.add(uint8_t{});   // type
  m.add(f.tag);
  std::visit([&m](const auto& msg) { m.add_fields(msg); }, f.msg);
  return m;
}

std::size_t encode_frame(const Fcall& f, std::span<std::byte> out, bool with_payload) noexcept {
  const wire::Measure m = measure(f);
  const std::size_t head = m.bytes() - (with_payload ? 0 : trailing_data(f).size());
  if (!m.fits() || m.bytes() > std::numeric_limits<uint32_t>::max() || out.size() < head) return 0;
  wire::Writer w(out.data(), with_payload);
  w.write(static_cast<uint32_t>(m.bytes()));
  w.write(static_cast<uint8_t>(f.type()));
  w.write(f.tag);
  std::visit([&w](const auto& msg) { w.write_fields(msg); }, f.msg);
  return static_cast<std::size_t>(w.position() - out.data());
}

}  // namespace

std::string_view describe(DecodeError e) noexcept {
  switch (e) {
    case DecodeError::FrameTooShort: return "frame shorter than its header";
    case DecodeError::SizeTooSmall: return "size field smaller than the header";
    case DecodeError::SizeTooLarge: return "size field larger than msize";
    case DecodeError::SizeMismatch: return "size field disagrees with the frame length";
    case DecodeError::Truncated: return "field runs past the end of the frame";
    case DecodeError::UnknownType: return "unknown message type";
    case DecodeError::TooManyWalkElements: return "more than 16 walk elements";
    case DecodeError::TrailingBytes: return "trailing bytes after the last field";
    case DecodeError::UnexpectedReply: return "reply where a request was expected";
    case DecodeError::UnexpectedRequest: return "request where a reply was expected";
  }
  return "invalid decode error";
}

int errno_for(DecodeError e) noexcept {
  switch (e) {
    case DecodeError::UnknownType: return EOPNOTSUPP;
    case DecodeError::TooManyWalkElements: return EINVAL;
    case DecodeError::SizeTooLarge: return EMSGSIZE;
    default: return EPROTO;
  }
}

bool is_fatal(DecodeError e) noexcept {
  switch (e) {
    case DecodeError::FrameTooShort:
    case DecodeError::SizeTooSmall:
    case DecodeError::SizeTooLarge:
    case DecodeError::SizeMismatch: return true;
    default: return false;
  }
}

FrameSize frame_size(std::span<const std::byte> prefix, uint32_t msize) noexcept {
  if (prefix.size() < 4) return {.size = 0, .error = DecodeError::FrameTooShort};
  const uint32_t size = load_u32(prefix);
  if (size < HEADER_SIZE) return {.size = size, .error = DecodeError::SizeTooSmall};
  if (size > msize) return {.size = size, .error = DecodeError::SizeTooLarge};
  return {.size = size, .error = std::nullopt};
}

DecodeResult decode(std::span<const std::byte> frame, uint32_t msize, Direction expect) noexcept {
  if (frame.size() < HEADER_SIZE) return {DecodeError::FrameTooShort, std::nullopt};
  wire::Reader in(frame);
  FrameHeader h;
  uint8_t type = 0;
  in.read(h.size);
  in.read(type);
  in.read(h.tag);
  h.type = static_cast<MsgType>(type);

  if (auto framing = frame_size(frame, msize); !framing.ok()) return {*framing.error, h};
  if (h.size != frame.size()) return {DecodeError::SizeMismatch, h};

  const MessageDecoder decode_message = kDecoders[type];
  if (!decode_message) return {DecodeError::UnknownType, h};
  if (expect == Direction::Request && !is_request(h.type)) return {DecodeError::UnexpectedReply, h};
  if (expect == Direction::Reply && is_request(h.type)) return {DecodeError::UnexpectedRequest, h};

  Fcall f{.tag = h.tag, .msg = {}};
  decode_message(in, f.msg);
  if (in.error()) return {*in.error(), h};
  if (!in.at_end()) return {DecodeError::TrailingBytes, h};
  return f;
}

std::size_t encoded_size(const Fcall& f) noexcept { return measure(f).bytes(); }

// Found through the field lists rather than a list of message names: in 9P a Data field is always
// the last one (Rread, Rreaddir, Twrite).
std::span<const std::byte> trailing_data(const Fcall& f) noexcept {
  std::span<const std::byte> payload;
  std::visit(
      [&payload](const auto& msg) {
        msg.fields(msg, [&payload](std::string_view, const auto& field) {
          if constexpr (std::is_same_v<std::decay_t<decltype(field)>, Data>) payload = field.bytes;
        });
      },
      f.msg);
  return payload;
}

std::size_t encode(const Fcall& f, std::span<std::byte> out) noexcept { return encode_frame(f, out, true); }

std::size_t encode_head(const Fcall& f, std::span<std::byte> out) noexcept {
  return encode_frame(f, out, false);
}

}  // namespace p9
