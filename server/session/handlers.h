// The request handlers: one coroutine per T-message, run on the session's strand, each answering
// with its R-message or Rlerror. Tversion and Tflush act on the connection itself and are handled by
// Session. The .cpp files group them: fids (handlers_fid), I/O (handlers_io), directories
// (handlers_dir), attributes (handlers_attr), xattrs (handlers_xattr), locks (handlers_lock).
//
// Handlers take the message by reference: its strings and payload are views into the request's
// frame, which the calling coroutine keeps alive until the handler returns.
#pragma once

#include <asio/awaitable.hpp>

#include "proto/message.h"
#include "server/session/fid.h"
#include "server/session/reply.h"
#include "server/session/session_state.h"

namespace p9::server {

using Handler = asio::awaitable<Reply> (*)(SessionState&, const Message&);

// The handler of a request type; null for Tversion, Tflush and replies.
Handler handler_for(MsgType type);

asio::awaitable<Reply> handle(SessionState& s, const Tauth& m);
asio::awaitable<Reply> handle(SessionState& s, const Tattach& m);
asio::awaitable<Reply> handle(SessionState& s, const Twalk& m);
asio::awaitable<Reply> handle(SessionState& s, const Tclunk& m);

asio::awaitable<Reply> handle(SessionState& s, const Tlopen& m);
asio::awaitable<Reply> handle(SessionState& s, const Tlcreate& m);
asio::awaitable<Reply> handle(SessionState& s, const Tread& m);
asio::awaitable<Reply> handle(SessionState& s, const Twrite& m);
asio::awaitable<Reply> handle(SessionState& s, const Tfsync& m);

asio::awaitable<Reply> handle(SessionState& s, const Treaddir& m);
asio::awaitable<Reply> handle(SessionState& s, const Tmkdir& m);
asio::awaitable<Reply> handle(SessionState& s, const Tsymlink& m);
asio::awaitable<Reply> handle(SessionState& s, const Tmknod& m);
asio::awaitable<Reply> handle(SessionState& s, const Tlink& m);
asio::awaitable<Reply> handle(SessionState& s, const Tunlinkat& m);
asio::awaitable<Reply> handle(SessionState& s, const Trenameat& m);
asio::awaitable<Reply> handle(SessionState& s, const Trename& m);
asio::awaitable<Reply> handle(SessionState& s, const Tremove& m);
asio::awaitable<Reply> handle(SessionState& s, const Treadlink& m);

asio::awaitable<Reply> handle(SessionState& s, const Tgetattr& m);
asio::awaitable<Reply> handle(SessionState& s, const Tsetattr& m);
asio::awaitable<Reply> handle(SessionState& s, const Tstatfs& m);

asio::awaitable<Reply> handle(SessionState& s, const Txattrwalk& m);
asio::awaitable<Reply> handle(SessionState& s, const Txattrcreate& m);

asio::awaitable<Reply> handle(SessionState& s, const Tlock& m);
asio::awaitable<Reply> handle(SessionState& s, const Tgetlock& m);

// ---- shared between handler groups ----

// What a clunk does besides forgetting the number (Tclunk, Tremove): applies a Txattrcreate value
// and drops byte-range locks taken through the fid. The fid must be out of the table already.
// Returns 0 or the errno for the reply.
asio::awaitable<int> release_fid(SessionState& s, Fid& fid);

// Tread/Twrite/Tclunk on xattr fids (handlers_xattr.cpp).
Reply read_xattr(SessionState& s, const Fid& fid, const Tread& m);
Reply write_xattr(Fid& fid, const Twrite& m);
asio::awaitable<int> commit_xattr(Fid& fid);

// Drops the locks fid's owners hold on its node unless another fid of the session still holds
// them (handlers_lock.cpp).
asio::awaitable<void> release_fid_locks(SessionState& s, Fid& fid);

}  // namespace p9::server
