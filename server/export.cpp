#include "server/export.h"

#include <stdexcept>

#include <fmt/format.h>

namespace p9::server {

Export::Export(ExportOptions opts, Pinning pinning)
    : options(std::move(opts)),
      store(store::StoreOptions{.size_limit = options.size_limit,
                                .inode_limit = options.inode_limit,
                                .root_mode = options.root_mode,
                                .root_uid = options.root_uid,
                                .root_gid = options.root_gid,
                                .pinning = pinning}),
      size_limit_(options.size_limit),
      inode_limit_(options.inode_limit),
      read_only_(options.read_only) {}

void Export::reconfigure(const ExportOptions& changed) {
  store.set_limits(changed.size_limit, changed.inode_limit);
  size_limit_.store(changed.size_limit, std::memory_order_relaxed);
  inode_limit_.store(changed.inode_limit, std::memory_order_relaxed);
  read_only_.store(changed.read_only, std::memory_order_relaxed);
}

ExportTable::ExportTable(const std::vector<ExportOptions>& exports, Pinning pinning)
    : slots_(std::make_unique<std::unique_ptr<Export>[]>(max_exports)) {
  for (const auto& e : exports) add(e, pinning);
}

ExportTable::~ExportTable() = default;

Export& ExportTable::add(const ExportOptions& options, Pinning pinning) {
  const std::size_t n = count_.load(std::memory_order_relaxed);
  if (n == max_exports)
    throw std::runtime_error(fmt::format("export '{}': at most {} exports", options.name, max_exports));
  slots_[n] = std::make_unique<Export>(options, pinning);
  count_.store(n + 1, std::memory_order_release);
  return *slots_[n];
}

Export* ExportTable::find(std::string_view aname) const {
  const std::size_t n = count_.load(std::memory_order_acquire);
  if (n == 0) return nullptr;
  if (aname.empty() || aname == "/") return slots_[0].get();
  for (std::size_t i = 0; i < n; ++i) {
    std::string_view name = slots_[i]->options.name;
    if (aname == name || (aname.front() == '/' && aname.substr(1) == name)) return slots_[i].get();
  }
  return nullptr;
}

std::vector<Export*> ExportTable::all() const {
  const std::size_t n = count_.load(std::memory_order_acquire);
  std::vector<Export*> exports;
  exports.reserve(n);
  for (std::size_t i = 0; i < n; ++i) exports.push_back(slots_[i].get());
  return exports;
}

}  // namespace p9::server
