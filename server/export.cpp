#include "server/export.h"

namespace p9::server {

Export::Export(ExportOptions opts, Pinning pinning)
    : options(std::move(opts)),
      store(store::StoreOptions{.size_limit = options.size_limit,
                                .inode_limit = options.inode_limit,
                                .root_mode = options.root_mode,
                                .root_uid = options.root_uid,
                                .root_gid = options.root_gid,
                                .pinning = pinning}) {}

ExportTable::ExportTable(const std::vector<ExportOptions>& exports, Pinning pinning) {
  for (const auto& e : exports) exports_.push_back(std::make_unique<Export>(e, pinning));
}

Export* ExportTable::find(std::string_view aname) const {
  if (exports_.empty()) return nullptr;
  if (aname.empty() || aname == "/") return exports_.front().get();
  for (const auto& e : exports_) {
    std::string_view name = e->options.name;
    if (aname == name || (aname.front() == '/' && aname.substr(1) == name)) return e.get();
  }
  return nullptr;
}

}  // namespace p9::server
