// Qids from store nodes: path = node id (never reused within a store, so a deleted and recreated
// file gets a new one), version = the store's version folded to 32 bits and never 0 (Linux treats a
// zero version as "do not cache"), type from the node kind.
#pragma once

#include <cstdint>

#include "proto/message.h"
#include "store/attr.h"
#include "store/node_ref.h"

namespace p9::server {

// Inline: readdir asks for every entry.
constexpr uint8_t qid_type(store::NodeKind kind) {
  switch (kind) {
    case store::NodeKind::directory: return QTDIR;
    case store::NodeKind::symlink: return QTSYMLINK;
    default: return QTFILE;
  }
}
uint32_t qid_version(uint64_t version);
Qid qid_of(const store::NodeRef& node);
Qid qid_of(const store::Attr& attr);

}  // namespace p9::server
