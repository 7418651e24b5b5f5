// Internal to proto/: reading and writing the wire types named in message.h. Every message, the qid
// and readdir entries are (de)serialised through these, driven by their fields() lists.
#pragma once

#include <bit>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <span>
#include <string_view>

#include "proto/codec.h"
#include "proto/message.h"

namespace p9::wire {

// Bounds-checked little-endian reader. After the first error every read is a no-op, so a fields()
// list can run to its end unconditionally and the caller checks error() once.
class Reader {
 public:
  explicit Reader(std::span<const std::byte> in) noexcept : in_(in) {}

  template <std::unsigned_integral T>
  void read(T& v) noexcept {
    const std::byte* p = take(sizeof(T));
    if (!p) return;
    T x = 0;
    if constexpr (std::endian::native == std::endian::little) {
      std::memcpy(&x, p, sizeof(T));  // one load: the wire's byte order is the host's
    } else {
      for (std::size_t i = 0; i < sizeof(T); ++i) x |= static_cast<T>(static_cast<T>(p[i]) << (8 * i));
    }
    v = x;
  }

  void read(std::string_view& s) noexcept {
    uint16_t n = 0;
    read(n);
    if (const std::byte* p = take(n)) s = {reinterpret_cast<const char*>(p), n};
  }

  void read(Data& d) noexcept {
    uint32_t n = 0;
    read(n);
    if (const std::byte* p = take(n)) d = std::span<const std::byte>(p, n);
  }

  void read(Qid& q) noexcept { read_fields(q); }

  template <class T, std::size_t N>
  void read(FixedVector<T, N>& v) noexcept {
    uint16_t n = 0;
    read(n);
    if (n > N) fail(DecodeError::TooManyWalkElements);
    for (uint16_t i = 0; i < n && !error_; ++i) {
      T x{};
      read(x);
      v.push_back(x);
    }
  }

  // Reads every field of a message, qid or dirent in its fields() order.
  template <class M>
  void read_fields(M& m) noexcept {
    M::fields(m, [&](std::string_view, auto& field) { read(field); });
  }

  const std::optional<DecodeError>& error() const noexcept { return error_; }
  std::size_t consumed() const noexcept { return pos_; }
  bool at_end() const noexcept { return pos_ == in_.size(); }

 private:
  // n bytes at the cursor, or nullptr (and Truncated) when fewer remain.
  const std::byte* take(std::size_t n) noexcept {
    if (error_) return nullptr;
    if (in_.size() - pos_ < n) {
      fail(DecodeError::Truncated);
      return nullptr;
    }
    const std::byte* p = in_.data() + pos_;
    pos_ += n;
    return p;
  }
  void fail(DecodeError e) noexcept {
    if (!error_) error_ = e;
  }

  std::span<const std::byte> in_;
  std::size_t pos_ = 0;
  std::optional<DecodeError> error_;
};

// Size of the wire form, and whether every length fits its wire width.
class Measure {
 public:
  template <std::unsigned_integral T>
  void add(const T&) noexcept {
    bytes_ += sizeof(T);
  }
  void add(const std::string_view& s) noexcept {
    fits_ = fits_ && s.size() <= std::numeric_limits<uint16_t>::max();
    bytes_ += 2 + s.size();
  }
  void add(const Data& d) noexcept {
    fits_ = fits_ && d.size() <= std::numeric_limits<uint32_t>::max();
    bytes_ += 4 + d.size();
  }
  void add(const Qid& q) noexcept { add_fields(q); }
  template <class T, std::size_t N>
  void add(const FixedVector<T, N>& v) noexcept {
    bytes_ += 2;
    for (const T& x : v) add(x);
  }
  template <class M>
  void add_fields(const M& m) noexcept {
    M::fields(m, [&](std::string_view, const auto& field) { add(field); });
  }

  std::size_t bytes() const noexcept { return bytes_; }
  bool fits() const noexcept { return fits_; }

 private:
  std::size_t bytes_ = 0;
  bool fits_ = true;
};

// Unchecked little-endian writer: callers measure first (Measure) and hand it a big enough buffer.
class Writer {
 public:
  // with_payload false: Data fields write their count but not their bytes (encode_head).
  Writer(std::byte* out, bool with_payload) noexcept : p_(out), with_payload_(with_payload) {}

  template <std::unsigned_integral T>
  void write(T v) noexcept {
    if constexpr (std::endian::native == std::endian::little) {
      std::memcpy(p_, &v, sizeof(T));  // one store: the wire's byte order is the host's
      p_ += sizeof(T);
    } else {
      for (std::size_t i = 0; i < sizeof(T); ++i) *p_++ = static_cast<std::byte>(static_cast<uint8_t>(v >> (8 * i)));
    }
  }
  void write(std::string_view s) noexcept {
    write(static_cast<uint16_t>(s.size()));
    copy(s.data(), s.size());
  }
  void write(const Data& d) noexcept {
    write(static_cast<uint32_t>(d.size()));
    if (with_payload_) copy(d.bytes.data(), d.size());
  }
  void write(const Qid& q) noexcept { write_fields(q); }
  template <class T, std::size_t N>
  void write(const FixedVector<T, N>& v) noexcept {
    write(static_cast<uint16_t>(v.size()));
    for (const T& x : v) write(x);
  }
  template <class M>
  void write_fields(const M& m) noexcept {
    M::fields(m, [&](std::string_view, const auto& field) { write(field); });
  }

  std::byte* position() const noexcept { return p_; }

 private:
  void copy(const void* src, std::size_t n) noexcept {
    if (n != 0) std::memcpy(p_, src, n);  // src may be null for an empty view
    p_ += n;
  }

  std::byte* p_;
  bool with_payload_;
};

}  // namespace p9::wire
