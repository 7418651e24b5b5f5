// NodeRef: a counted reference to a node (the server's Fid holds one). A node lives while it has a
// name (each directory entry holds a reference too) or any NodeRef exists, so an unlinked file stays
// readable, writable and stat-able until its last NodeRef drops; its body memory is freed then.
// Copying and dropping a NodeRef is thread-safe (atomic count) and never suspends.
#pragma once

#include <cstdint>
#include <utility>

#include "store/attr.h"

namespace p9::store {

struct Node;

class NodeRef {
 public:
  NodeRef() = default;
  // Takes a new reference on `node` (null allowed).
  explicit NodeRef(Node* node);
  NodeRef(const NodeRef& other);
  NodeRef(NodeRef&& other) noexcept : node_(std::exchange(other.node_, nullptr)) {}
  NodeRef& operator=(NodeRef other) noexcept {
    std::swap(node_, other.node_);
    return *this;
  }
  ~NodeRef();

  explicit operator bool() const { return node_ != nullptr; }
  Node* get() const { return node_; }
  Node& operator*() const { return *node_; }
  Node* operator->() const { return node_; }

  // Immutable or lock-free facts, readable without awaiting (for building qids).
  uint64_t id() const;  // qid.path
  NodeKind kind() const;  // qid.type
  uint64_t version() const;  // qid.version: non-zero, changes with every modification

  friend bool operator==(const NodeRef& a, const NodeRef& b) { return a.node_ == b.node_; }

 private:
  Node* node_ = nullptr;
};

}  // namespace p9::store
