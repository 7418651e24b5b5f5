// One exported tree: its options and the store that holds it. Sessions find exports by aname.
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>
#include <string_view>
#include <vector>

#include "server/options.h"
#include "store/store.h"

namespace p9::server {

struct Export {
  Export(ExportOptions opts, Pinning pinning);

  // A configuration reload: the limits (of the store too) and the read-only flag. Callable while
  // sessions use the export; the other settings of `changed` must equal the running ones.
  void reconfigure(const ExportOptions& changed);
  // The settings in force, which a reload may have changed since `options` was built.
  uint64_t size_limit() const { return size_limit_.load(std::memory_order_relaxed); }
  uint64_t inode_limit() const { return inode_limit_.load(std::memory_order_relaxed); }
  bool read_only() const { return read_only_.load(std::memory_order_relaxed); }

  // As configured when the export was built; reloadable settings are read through the accessors.
  const ExportOptions options;
  store::Store store;

 private:
  std::atomic<uint64_t> size_limit_;
  std::atomic<uint64_t> inode_limit_;
  std::atomic<bool> read_only_;
};

// The exports, in configuration order. A reload appends exports while sessions look names up on
// other threads: the table only grows (up to max_exports, options.h), and readers never lock.
class ExportTable {
 public:
  ExportTable(const std::vector<ExportOptions>& exports, Pinning pinning);
  ~ExportTable();

  // The export an attach names: exact name, or with one leading '/' stripped; "" and "/" give the
  // first export. Null when nothing matches (the attach then fails with ENOENT).
  Export* find(std::string_view aname) const;
  // The exports at the time of the call, in order.
  std::vector<Export*> all() const;

  // Builds and publishes a new export (the caller serialises additions). Throws
  // std::runtime_error when the table is full, or what building the store throws.
  Export& add(const ExportOptions& options, Pinning pinning);

 private:
  // Slots [0, count_) are set and never change again; count_ is published after its slot.
  std::unique_ptr<std::unique_ptr<Export>[]> slots_;
  std::atomic<std::size_t> count_{0};
};

}  // namespace p9::server
