// One exported tree: its options and the store that holds it. Sessions find exports by aname.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "server/options.h"
#include "store/store.h"

namespace p9::server {

struct Export {
  Export(ExportOptions opts, Pinning pinning);
  ExportOptions options;
  store::Store store;
};

class ExportTable {
 public:
  ExportTable(const std::vector<ExportOptions>& exports, Pinning pinning);
  // The export an attach names: exact name, or with one leading '/' stripped; "" and "/" give the
  // first export. Null when nothing matches (the attach then fails with ENOENT).
  Export* find(std::string_view aname) const;
  const std::vector<std::unique_ptr<Export>>& all() const { return exports_; }

 private:
  std::vector<std::unique_ptr<Export>> exports_;
};

}  // namespace p9::server
