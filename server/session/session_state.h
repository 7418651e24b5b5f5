// What a session's request handlers share: the fid table, the negotiated msize, buffers, flow
// control and the server context. Lives on the session's strand, like every handler, so nothing
// here needs a lock.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <asio/any_io_executor.hpp>

#include "server/server_context.h"
#include "server/session/buffer.h"
#include "server/session/fid_table.h"
#include "server/session/flow_control.h"
#include "server/session/reply_writer.h"
#include "server/session/strand_event.h"
#include "server/session/xattr_snapshots.h"
#include "store/result.h"

namespace p9::server {

// What a handler requires of a fid it names.
enum class Need : uint8_t {
  node,      // names a node: any fid but an xattr fid (EBADF)
  mutating,  // node, and the export may be changed (EROFS)
  open,      // opened by Tlopen/Tlcreate (EBADF)
};

struct SessionState {
  SessionState(ServerContext& context, const std::string& peer_name,
               const asio::any_io_executor& strand);

  ServerContext& ctx;
  const std::string& peer;
  // Process-wide unique: the lock owner's session part, so locks of different connections (and of
  // a connection before and after Tversion) never mix.
  const uint64_t id;
  uint32_t msize = 0;  // 0 until a Tversion is accepted
  FidTable fids;
  BufferPool pool;
  FlowControl flow;
  // Notified whenever a request completes or a reply has been written (see Session).
  StrandEvent progress;
  XattrSnapshots xattr_snapshots;
  // Exports attached in this session: whose stores hold its locks.
  std::vector<Export*> exports;
  // The session's writer, for handlers whose reply is best sent when nothing is queued before it.
  const ReplyWriter* writer = nullptr;

  // The fid `number` if it satisfies `need`, else the errno.
  store::Result<FidPtr> fid(uint32_t number, Need need) const;
  // count clamped so that an Rread or Rreaddir with that much data fits msize.
  uint32_t io_limit(uint32_t count) const;
  void note_export(Export* exp);
};

}  // namespace p9::server
