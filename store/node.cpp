#include "store/node.h"

#include <sys/stat.h>

#include <cstring>

#include "store/node_ref.h"
#include "store/store_state.h"

namespace p9::store {

Node::Node(StoreState& s, NodeKind k, uint64_t node_id, uint32_t m, uint32_t u, uint32_t g)
    : mode(type_bits(k) | (m & 07777)), uid(u), gid(g), kind(k), id(node_id), store(&s) {
  const Timespec t = StoreState::now();
  times.set(NodeTimes::ACCESS, t);
  times.set(NodeTimes::MODIFY, t);
  times.set(NodeTimes::CHANGE, t);
  times.set(NodeTimes::BIRTH, t);
}

Directory::Directory(StoreState& s, uint64_t node_id, uint32_t m, uint32_t u, uint32_t g,
                     Directory* parent_dir)
    : Node(s, NodeKind::directory, node_id, m, u, g),
      parent(parent_dir == nullptr ? this : parent_dir),
      entries(&s.arena) {
  if (parent != this) add_ref(parent);
}

RegularFile::RegularFile(StoreState& s, uint64_t node_id, uint32_t m, uint32_t u, uint32_t g)
    : Node(s, NodeKind::regular, node_id, m, u, g) {}

RegularFile::~RegularFile() {
  if (body != nullptr) {
    body->~Body();
    store->arena.deallocate(body, sizeof(Body), alignof(Body));
  }
}

Symlink::Symlink(StoreState& s, uint64_t node_id, uint32_t u, uint32_t g, std::string_view t)
    : Node(s, NodeKind::symlink, node_id, 0777, u, g),
      target_(static_cast<char*>(s.arena.allocate(t.size(), 1))),
      length_(static_cast<uint32_t>(t.size())) {
  std::memcpy(target_, t.data(), t.size());
}

Symlink::~Symlink() { store->arena.deallocate(target_, length_, 1); }

SpecialNode::SpecialNode(StoreState& s, uint64_t node_id, NodeKind k, uint32_t m, uint32_t u,
                         uint32_t g, uint64_t device)
    : Node(s, k, node_id, m, u, g), rdev(device) {}

void add_ref(Node* node) { node->refs.fetch_add(1, std::memory_order_relaxed); }

void drop_ref(Node* node) {
  // acq_rel: the thread that destroys the node must see every other holder's writes.
  if (node->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) node->store->destroy(node);
}

NodeRef::NodeRef(Node* node) : node_(node) {
  if (node_ != nullptr) add_ref(node_);
}

NodeRef::NodeRef(const NodeRef& other) : NodeRef(other.node_) {}

NodeRef::~NodeRef() {
  if (node_ != nullptr) drop_ref(node_);
}

uint64_t NodeRef::id() const { return node_->id; }
NodeKind NodeRef::kind() const { return node_->kind; }
uint64_t NodeRef::version() const { return node_->version.load(std::memory_order_relaxed); }

}  // namespace p9::store
