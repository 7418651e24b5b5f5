// Differential test: the same random operations on the store and, through syscalls, on a fresh
// directory of the host's tmpfs (/dev/shm); results, errno values and the final trees must agree.
// Fixed seeds keep failures reproducible.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <random>

#include "tests/store/store_fixture.h"

namespace p9::store::test {
namespace {

constexpr int OPS_PER_SEED = 3000;

// Host side: every call relative to the base directory fd, returning 0 or errno.
class Host {
 public:
  Host() {
    char templ[] = "/dev/shm/p9-store-diff-XXXXXX";
    base_ = mkdtemp(templ);
    fd_ = ::open(base_.c_str(), O_DIRECTORY | O_RDONLY);
  }
  ~Host() {
    ::close(fd_);
    std::error_code ec;
    std::filesystem::remove_all(base_, ec);
  }
  static int result(int r) { return r < 0 ? errno : 0; }
  int fd() const { return fd_; }
  const std::string& base() const { return base_; }

 private:
  std::string base_;
  int fd_;
};

struct Entry {
  std::string type;
  uint32_t mode;
  uint64_t nlink;
  std::string content;  // file data or symlink target
};

class Differential : public ::testing::TestWithParam<uint32_t> {
 protected:
  Credentials cred{geteuid(), getegid(), {}};
  Caller caller{cred, true};
  Store store{StoreOptions{.root_mode = 0755, .root_uid = geteuid(), .root_gid = getegid()}};
  Host host;
  std::mt19937 rng{GetParam()};

  uint32_t pick(uint32_t n) { return std::uniform_int_distribution<uint32_t>(0, n - 1)(rng); }

  std::string random_path() {
    static const char* const names[] = {"a", "b", "c", "d", "e"};
    std::string path = names[pick(5)];
    const uint32_t depth = pick(3);
    for (uint32_t i = 0; i < depth; ++i) path += std::string("/") + names[pick(5)];
    if (pick(200) == 0) path += "/" + std::string(256, 'L');
    return path;
  }

  // Resolves all but the last component as a walk would; a symlink on the way behaves like the
  // dangling link it is (targets never exist) -> ENOENT.
  Result<NodeRef> parent_of(const std::string& path, std::string* last) {
    NodeRef dir = store.root();
    size_t start = 0;
    for (size_t slash; (slash = path.find('/', start)) != std::string::npos; start = slash + 1) {
      auto next = run(store.lookup(dir, path.substr(start, slash - start), caller));
      if (!next) return next;
      if (next->kind() == NodeKind::symlink) return Errno{ENOENT};
      if (next->kind() != NodeKind::directory) return Errno{ENOTDIR};
      dir = *next;
    }
    *last = path.substr(start);
    return dir;
  }

  // The node at path for calls that follow a final symlink (open/truncate/chmod).
  Result<NodeRef> node_at(const std::string& path) {
    std::string last;
    auto dir = parent_of(path, &last);
    if (!dir) return dir;
    auto node = run(store.lookup(*dir, last, caller));
    if (node && node->kind() == NodeKind::symlink) return Errno{ENOENT};
    return node;
  }

  int store_op(int op, const std::string& p1, const std::string& p2, uint32_t mode, uint64_t off,
               const std::string& data) {
    std::string n1, n2;
    auto d1 = parent_of(p1, &n1);
    switch (op) {
      case 0: return d1 ? run(store.create(*d1, n1, mode, cred.gid, caller)).error() : d1.error();
      case 1: return d1 ? run(store.mkdir(*d1, n1, mode, cred.gid, caller)).error() : d1.error();
      case 2: return d1 ? run(store.unlink(*d1, n1, false, caller)).error() : d1.error();
      case 3: return d1 ? run(store.unlink(*d1, n1, true, caller)).error() : d1.error();
      case 4:
      case 5: {
        if (!d1) return d1.error();
        // link(2) resolves the whole old path before the new one; rename(2) both parents first.
        Result<NodeRef> source = op == 5 ? run(store.lookup(*d1, n1, caller)) : *d1;
        if (!source) return source.error();
        auto d2 = parent_of(p2, &n2);
        if (!d2) return d2.error();
        if (op == 4) return run(store.rename(*d1, n1, *d2, n2, caller)).error();
        return run(store.link(*d2, *source, n2, caller)).error();
      }
      case 6: return d1 ? run(store.symlink(*d1, n1, "nowhere/" + p2, cred.gid, caller)).error()
                        : d1.error();
      case 7: {
        auto node = node_at(p1);
        if (!node) return node.error();
        if (auto r = run(store.open(*node, O_WRONLY, caller)); !r) return r.error();
        return run(store.write(*node, off, bytes(data), false, caller)).error();
      }
      case 8: {
        auto node = node_at(p1);
        if (!node) return node.error();
        SetAttr a;
        a.valid = SetAttr::SIZE;
        a.size = off;
        return run(store.setattr(*node, a, caller)).error();
      }
      case 9: {
        auto node = node_at(p1);
        if (!node) return node.error();
        SetAttr a;
        a.valid = SetAttr::MODE;
        a.mode = node->kind() == NodeKind::directory ? mode | 0700 : mode;
        return run(store.setattr(*node, a, caller)).error();
      }
    }
    return -1;
  }

  int host_op(int op, const std::string& p1, const std::string& p2, uint32_t mode, uint64_t off,
              const std::string& data) {
    const int fd = host.fd();
    const char* c1 = p1.c_str();
    switch (op) {
      case 0: {
        const int f = ::openat(fd, c1, O_CREAT | O_EXCL | O_WRONLY, mode);
        if (f < 0) return errno;
        ::close(f);
        // open(2) applies the umask; the store gets the mode the client computed.
        return Host::result(::fchmodat(fd, c1, mode, 0));
      }
      case 1: {
        if (::mkdirat(fd, c1, mode) < 0) return errno;
        struct stat st;
        ::fstatat(fd, c1, &st, 0);
        return Host::result(::fchmodat(fd, c1, (st.st_mode & S_ISGID) | (mode & 01777), 0));
      }
      case 2: return Host::result(::unlinkat(fd, c1, 0));
      case 3: return Host::result(::unlinkat(fd, c1, AT_REMOVEDIR));
      case 4: return Host::result(::renameat(fd, c1, fd, p2.c_str()));
      case 5: return Host::result(::linkat(fd, c1, fd, p2.c_str(), 0));
      case 6: return Host::result(::symlinkat(("nowhere/" + p2).c_str(), fd, c1));
      case 7: {
        const int f = ::openat(fd, c1, O_WRONLY);
        if (f < 0) return errno;
        const ssize_t n = ::pwrite(f, data.data(), data.size(), static_cast<off_t>(off));
        const int err = n < 0 ? errno : 0;
        ::close(f);
        return err;
      }
      case 8: return Host::result(::truncate((host.base() + "/" + p1).c_str(), static_cast<off_t>(off)));
      case 9: {
        struct stat st;
        if (::fstatat(fd, c1, &st, 0) < 0) return errno;
        return Host::result(::fchmodat(fd, c1, S_ISDIR(st.st_mode) ? mode | 0700 : mode, 0));
      }
    }
    return -1;
  }

  std::map<std::string, Entry> store_tree() {
    std::map<std::string, Entry> out;
    std::vector<std::pair<std::string, NodeRef>> pending{{"", store.root()}};
    while (!pending.empty()) {
      auto [prefix, dir] = pending.back();
      pending.pop_back();
      std::vector<std::string> names;
      EXPECT_TRUE(run(store.readdir(dir, 2, [&](std::span<const DirEntry> batch) {
        for (const DirEntry& e : batch) names.emplace_back(e.name);
        return batch.size();
      })).ok());
      for (const auto& name : names) {
        NodeRef node = run(store.lookup(dir, name, caller)).value();
        const Attr a = run(store.getattr(node));
        Entry e{"", a.mode, a.nlink, ""};
        const std::string path = prefix + "/" + name;
        switch (node.kind()) {
          case NodeKind::directory: e.type = "dir"; pending.emplace_back(path, node); break;
          case NodeKind::symlink: e.type = "link"; e.content = run(store.readlink(node)).value(); break;
          default: {
            e.type = "file";
            e.content.resize(a.size);
            auto n = run(store.read(node, 0, std::as_writable_bytes(std::span(e.content))));
            EXPECT_EQ(n.value(), a.size);
          }
        }
        out[path] = e;
      }
    }
    return out;
  }

  std::map<std::string, Entry> host_tree() {
    std::map<std::string, Entry> out;
    for (const auto& it : std::filesystem::recursive_directory_iterator(host.base())) {
      const std::string path = it.path().string().substr(host.base().size());
      struct stat st;
      ::lstat(it.path().c_str(), &st);
      Entry e{"", st.st_mode, st.st_nlink, ""};
      if (S_ISDIR(st.st_mode)) {
        e.type = "dir";
      } else if (S_ISLNK(st.st_mode)) {
        e.type = "link";
        e.content = std::filesystem::read_symlink(it.path()).string();
      } else {
        e.type = "file";
        e.content.resize(st.st_size);
        const int f = ::open(it.path().c_str(), O_RDONLY);
        EXPECT_EQ(::pread(f, e.content.data(), e.content.size(), 0), st.st_size);
        ::close(f);
      }
      out[path] = e;
    }
    return out;
  }
};

TEST_P(Differential, StoreBehavesLikeTmpfs) {
  ASSERT_GE(host.fd(), 0) << "cannot create a directory under /dev/shm";
  static const char* const op_names[] = {"create", "mkdir", "unlink", "rmdir", "rename",
                                         "link", "symlink", "write", "truncate", "chmod"};
  static const int weights[] = {12, 10, 8, 6, 14, 6, 4, 14, 6, 6};
  std::discrete_distribution<int> op_dist(std::begin(weights), std::end(weights));
  std::map<int, int> errors;
  for (int i = 0; i < OPS_PER_SEED; ++i) {
    const int op = op_dist(rng);
    const std::string p1 = random_path(), p2 = random_path();
    const uint32_t mode = pick(2) == 0 ? 0644 : (pick(07777 + 1) | 0600);
    const uint64_t off = pick(3) == 0 ? pick(70000) : pick(100);
    const std::string data(pick(9000), static_cast<char>('a' + pick(26)));
    const int expected = host_op(op, p1, p2, mode, off, data);
    const int got = store_op(op, p1, p2, mode, off, data);
    ++errors[expected];
    ASSERT_EQ(got, expected) << "op " << i << ": " << op_names[op] << " " << p1 << " " << p2
                             << " mode " << std::oct << mode;
    if (op == 0 || i % 50 == 0) {
      // readdir of the root agrees at every step that might change it.
      std::vector<std::string> store_names;
      ASSERT_TRUE(run(store.readdir(store.root(), 2, [&](std::span<const DirEntry> batch) {
        for (const DirEntry& e : batch) store_names.emplace_back(e.name);
        return batch.size();
      })).ok());
      std::vector<std::string> host_names;
      for (const auto& it : std::filesystem::directory_iterator(host.base())) {
        host_names.push_back(it.path().filename().string());
      }
      std::sort(store_names.begin(), store_names.end());
      std::sort(host_names.begin(), host_names.end());
      ASSERT_EQ(store_names, host_names) << "after op " << i;
    }
  }
  // Both successes and a variety of errors were exercised.
  EXPECT_GT(errors[0], OPS_PER_SEED / 8);
  EXPECT_GE(errors.size(), 5u);

  const auto expected = host_tree();
  const auto got = store_tree();
  ASSERT_EQ(got.size(), expected.size());
  for (const auto& [path, e] : expected) {
    auto it = got.find(path);
    ASSERT_NE(it, got.end()) << path;
    EXPECT_EQ(it->second.type, e.type) << path;
    EXPECT_EQ(it->second.mode, e.mode) << path;
    EXPECT_EQ(it->second.nlink, e.nlink) << path;
    EXPECT_TRUE(it->second.content == e.content) << path;
  }
  auto problems = run(store.check());
  EXPECT_TRUE(problems.empty()) << problems.front();
}

INSTANTIATE_TEST_SUITE_P(Seeds, Differential, ::testing::Values(1u, 2u, 3u, 42u, 1234u, 99991u));

}  // namespace
}  // namespace p9::store::test
