// The dispatch table: MsgType -> handler, built once from the list of handled request types.
#include <array>
#include <cstddef>
#include <variant>

#include "server/session/handlers.h"

namespace p9::server {

namespace {

template <class T>
asio::awaitable<Reply> call(SessionState& s, const Message& m) {
  return handle(s, std::get<T>(m));
}

template <class... Ts>
constexpr std::array<Handler, 256> make_table() {
  std::array<Handler, 256> table{};
  ((table[static_cast<std::size_t>(Ts::msg_type)] = &call<Ts>), ...);
  return table;
}

constexpr std::array<Handler, 256> kHandlers =
    make_table<Tauth, Tattach, Twalk, Tclunk, Tlopen, Tlcreate, Tread, Twrite, Tfsync, Treaddir,
               Tmkdir, Tsymlink, Tmknod, Tlink, Tunlinkat, Trenameat, Trename, Tremove, Treadlink,
               Tgetattr, Tsetattr, Tstatfs, Txattrwalk, Txattrcreate, Tlock, Tgetlock>();

}  // namespace

Handler handler_for(MsgType type) { return kHandlers[static_cast<std::size_t>(type)]; }

}  // namespace p9::server
