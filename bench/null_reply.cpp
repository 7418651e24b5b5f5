#include "bench/null_reply.h"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <optional>
#include <string_view>
#include <utility>
#include <variant>

#include "bench/entry_name.h"
#include "proto/dirent.h"

namespace p9::bench {
namespace {

constexpr Qid FILE_QID{.type = QTFILE, .version = 1, .path = 2};
constexpr Qid DIR_QID{.type = QTDIR, .version = 1, .path = 1};

// The default-constructed reply whose type is request's type + 1 (every T-message has one).
template <std::size_t... I>
Message default_reply(MsgType request, std::index_sequence<I...>) {
  const auto reply_type = static_cast<MsgType>(static_cast<uint8_t>(request) + 1);
  Message reply = Rlerror{.ecode = EOPNOTSUPP};
  ((std::variant_alternative_t<I, Message>::msg_type == reply_type ? void(reply.emplace<I>()) : void()), ...);
  return reply;
}

// Requests whose reply carries something a client looks at; everything else gets default_reply.
struct Answer {
  const NullContent& content;

  std::optional<Message> operator()(const Tversion& t) const {
    const bool ours = t.version == VERSION_9P2000_L;
    return Rversion{.msize = std::min(t.msize, content.max_msize), .version = ours ? VERSION_9P2000_L : VERSION_UNKNOWN};
  }
  std::optional<Message> operator()(const Tauth&) const { return Rlerror{.ecode = EOPNOTSUPP}; }  // no authentication
  std::optional<Message> operator()(const Tattach&) const { return Rattach{.qid = DIR_QID}; }
  std::optional<Message> operator()(const Twalk& t) const {
    Rwalk r;
    for (std::size_t i = 0; i < t.wnames.size(); ++i) r.wqids.push_back(FILE_QID);
    return r;
  }
  std::optional<Message> operator()(const Tlopen&) const { return Rlopen{.qid = FILE_QID, .iounit = 0}; }
  std::optional<Message> operator()(const Tlcreate&) const { return Rlcreate{.qid = FILE_QID, .iounit = 0}; }
  std::optional<Message> operator()(const Tread& t) const {
    return Rread{.data = content.zeros.first(std::min<std::size_t>(t.count, content.zeros.size()))};
  }
  std::optional<Message> operator()(const Treaddir& t) const {
    return Rreaddir{.data = content.listing.read(t.offset, t.count)};
  }
  std::optional<Message> operator()(const Twrite& t) const {
    return Rwrite{.count = static_cast<uint32_t>(t.data.size())};
  }
  std::optional<Message> operator()(const Tgetattr&) const {
    return Rgetattr{.valid = GETATTR_BASIC, .qid = FILE_QID, .mode = S_IFREG | 0644, .nlink = 1, .blksize = 4096};
  }
  std::optional<Message> operator()(const Tmkdir&) const { return Rmkdir{.qid = DIR_QID}; }
  std::optional<Message> operator()(const Tgetlock& t) const {
    return Rgetlock{
        .type = LOCK_TYPE_UNLCK, .start = t.start, .length = t.length, .proc_id = t.proc_id, .client_id = t.client_id};
  }
  template <class Other>
  std::optional<Message> operator()(const Other&) const {
    return std::nullopt;
  }
};

}  // namespace

NullListing::NullListing(uint64_t entries) {
  std::array<char, ENTRY_NAME_SIZE> name{};
  auto append = [&](std::string_view entry_name, Qid qid, uint8_t type) {
    const std::size_t start = packed_.size();
    starts_.push_back(start);
    packed_.resize(start + dirent_size(entry_name));
    DirentPacker packer{std::span(packed_).subspan(start)};
    packer.add({.qid = qid, .offset = starts_.size(), .type = type, .name = entry_name});
  };
  append(".", DIR_QID, DT_DIR);
  append("..", DIR_QID, DT_DIR);
  for (uint64_t i = 0; i < entries; ++i) {
    format_entry_name(LISTING_PREFIX, i, name);
    append({name.data(), name.size()}, {.type = QTFILE, .version = 1, .path = i + 3}, DT_REG);
  }
  starts_.push_back(packed_.size());
}

std::span<const std::byte> NullListing::read(uint64_t cookie, uint32_t count) const noexcept {
  if (cookie + 1 >= starts_.size()) return {};
  const std::size_t begin = starts_[cookie];
  // The last entry boundary within count bytes of begin.
  const auto end = std::upper_bound(starts_.begin() + static_cast<std::ptrdiff_t>(cookie), starts_.end(), begin + count) - 1;
  return std::span(packed_).subspan(begin, *end - begin);
}

Fcall null_reply(const Fcall& request, const NullContent& content) {
  std::optional<Message> reply = std::visit(Answer{content}, request.msg);
  if (!reply) reply = default_reply(request.type(), std::make_index_sequence<std::variant_size_v<Message>>{});
  return {.tag = request.tag, .msg = std::move(*reply)};
}

}  // namespace p9::bench
