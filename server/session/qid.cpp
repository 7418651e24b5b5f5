#include "server/session/qid.h"

namespace p9::server {

uint32_t qid_version(uint64_t version) {
  // The low word differs between consecutive versions; where it wraps to 0 (never sent), the high
  // word stands in, marked so that it differs from both neighbours (0xffffffff and 1).
  const auto low = static_cast<uint32_t>(version);
  return low != 0 ? low : static_cast<uint32_t>(version >> 32) | 0x80000000u;
}

Qid qid_of(const store::NodeRef& node) {
  return Qid{qid_type(node.kind()), qid_version(node.version()), node.id()};
}

Qid qid_of(const store::Attr& attr) {
  return Qid{qid_type(attr.kind), qid_version(attr.version), attr.ino};
}

}  // namespace p9::server
