// A fid: the client's handle on a node, with what the session has learnt about it (who attached,
// how it was opened, where the walk found it). Reference counted: a request holds its fid for its
// whole run, so a concurrent Tclunk only removes the number from the table.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "server/export.h"
#include "server/session/xattr_snapshots.h"
#include "store/byte_range_lock.h"
#include "store/credentials.h"
#include "store/node_ref.h"
#include "store/store.h"

namespace p9::server {

// Who a Tattach made the caller, shared by every fid walked from it.
struct Attachment {
  Export* exp = nullptr;
  store::Credentials cred;
  bool check_permissions = true;  // access=user

  store::Store& store() const { return exp->store; }
  // Read from the export each time: a SIGHUP reload may change it under a live attachment.
  bool read_only() const { return exp->read_only(); }
  store::Caller caller() const { return {cred, check_permissions}; }
  // The group of a node the client creates: what it asked for, unless the export squashes groups.
  uint32_t new_gid(uint32_t requested) const {
    return exp->options.squash_gid.value_or(requested);
  }
};

// A Txattrcreate value being filled by Twrite, applied at Tclunk. It grows as the data arrives:
// an announced size costs nothing until the client sends it.
struct XattrWrite {
  std::string name;
  uint64_t size = 0;  // attr_size
  int flags = 0;      // XATTR_CREATE / XATTR_REPLACE
  std::vector<std::byte> bytes;
};

struct Fid {
  enum class State {
    walked,       // attached or walked, not open
    opening,      // a Tlopen is in progress
    open,         // Tlopen or Tlcreate succeeded
    xattr_read,   // made by Txattrwalk: Tread serves xattr_snapshot
    xattr_write,  // turned by Txattrcreate: Twrite fills xattr_write
  };

  std::shared_ptr<const Attachment> attach;
  store::NodeRef node;
  // Where the walk that made this fid found node, for Tremove and Trename (which name no directory):
  // parent is empty for an export root and after a ".." step, whose entry name is unknown.
  store::NodeRef parent;
  std::string name;

  State state = State::walked;
  bool readable = false;
  bool writable = false;
  bool append = false;  // O_APPEND: every write goes to the end of file, whatever its offset
  XattrSnapshot xattr_snapshot;
  std::unique_ptr<XattrWrite> xattr_write;
  // Lock owners that took byte-range locks through this fid (released at its clunk).
  std::vector<store::LockOwner> lock_owners;

  bool is_open() const { return state == State::open; }
  bool is_xattr() const { return state == State::xattr_read || state == State::xattr_write; }
};

using FidPtr = std::shared_ptr<Fid>;

}  // namespace p9::server
