#include "client/cli/commands.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>

#include "client/cli/failure.h"
#include "client/cli/format.h"
#include "client/cli/local_file.h"

namespace p9::cli {
namespace {

using client::SyncClient;

// Runs f; a std::system_error from it becomes a Failure about `subject` (the entry that failed).
template <class F>
auto about(const std::string& subject, F f) {
  try {
    return f();
  } catch (const Failure&) {
    throw;
  } catch (const std::system_error& e) {
    throw Failure(e.code(), subject);
  }
}

bool is_directory(const client::Attr& attr) { return (attr.mode & S_IFMT) == S_IFDIR; }

std::string join(const std::string& dir, const std::string& name) {
  return dir.ends_with('/') ? dir + name : dir + "/" + name;
}

void print(std::string_view text) { std::fwrite(text.data(), 1, text.size(), stdout); }

// An open remote file, clunked when it goes out of scope (also when the command fails).
class RemoteFile {
 public:
  RemoteFile(SyncClient& fs, const client::OpenFile& file) : fs_(fs), fid_(file.fid) {}
  RemoteFile(const RemoteFile&) = delete;
  RemoteFile& operator=(const RemoteFile&) = delete;
  ~RemoteFile() {
    try {
      fs_.clunk(fid_);
    } catch (const std::system_error&) {  // the command's own result already stands
    }
  }
  uint32_t fid() const noexcept { return fid_; }

 private:
  SyncClient& fs_;
  uint32_t fid_;
};

void copy_to(SyncClient& fs, const std::string& remote, LocalFile& out) {
  const RemoteFile file(fs, about(remote, [&] { return fs.open(remote, DOTL_RDONLY); }));
  about(remote, [&] { fs.read_each(file.fid(), [&out](std::span<const std::byte> chunk) { out.write_all(chunk); }); });
}

void ls(SyncClient& fs, const Options& o) {
  const std::string path = o.paths.empty() ? "/" : o.paths.front();
  const auto show = [&](const std::string& full, const std::string& name) {
    if (!o.long_format) return print(name + "\n");
    const client::Attr attr = about(full, [&] { return fs.stat(full); });
    const std::string target = (attr.mode & S_IFMT) == S_IFLNK ? about(full, [&] { return fs.readlink(full); }) : "";
    print(long_listing(attr, name, target) + "\n");
  };
  if (!is_directory(about(path, [&] { return fs.stat(path); }))) return show(path, path);
  std::vector<client::DirEntry> entries = about(path, [&] { return fs.list(path); });
  std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  for (const client::DirEntry& e : entries)
    if (e.name != "." && e.name != "..") show(join(path, e.name), e.name);
}

void stat(SyncClient& fs, const Options& o) {
  for (const std::string& path : o.paths) print(stat_report(about(path, [&] { return fs.stat(path); }), path));
}

void cat(SyncClient& fs, const Options& o) {
  LocalFile out = LocalFile::for_writing("-");
  for (const std::string& path : o.paths) copy_to(fs, path, out);
}

void put(SyncClient& fs, const Options& o) {
  LocalFile in = LocalFile::for_reading(o.from);
  const std::string& remote = o.to;
  const RemoteFile file(fs, about(remote, [&] {
    try {
      return fs.open(remote, DOTL_WRONLY | DOTL_TRUNC);
    } catch (const std::system_error& e) {
      if (client::errno_of(e) != ENOENT) throw;
      return fs.create(remote, DOTL_WRONLY | DOTL_TRUNC, in.permissions(), o.gid);
    }
  }));
  // Large blocks keep IO_DEPTH Twrites in flight; the local file need not fit in memory.
  std::vector<std::byte> block(8u << 20);
  for (uint64_t offset = 0;;) {
    const std::size_t n = in.read_full(block);
    about(remote, [&] { fs.write_all(file.fid(), offset, std::span(block).first(n)); });
    offset += n;
    if (n < block.size()) return;
  }
}

void get(SyncClient& fs, const Options& o) {
  LocalFile out = LocalFile::for_writing(o.to);
  copy_to(fs, o.from, out);
}

void make_directory(SyncClient& fs, const Options& o, const std::string& path) {
  if (!o.parents) return about(path, [&] { fs.mkdir(path, 0755, o.gid); });
  // -p: make each missing ancestor; an existing directory on the way is fine.
  for (std::size_t end = path.find('/', 1);; end = path.find('/', end + 1)) {
    const std::string prefix = path.substr(0, end);
    about(prefix, [&] {
      try {
        fs.mkdir(prefix, 0755, o.gid);
      } catch (const std::system_error& e) {
        if (client::errno_of(e) != EEXIST || !is_directory(fs.stat(prefix))) throw;
      }
    });
    if (end == std::string::npos) return;
  }
}

void mkdir(SyncClient& fs, const Options& o) {
  for (const std::string& path : o.paths) make_directory(fs, o, path);
}

void remove_tree(SyncClient& fs, const std::string& path) {
  if (!is_directory(about(path, [&] { return fs.stat(path); }))) return about(path, [&] { fs.unlink(path); });
  for (const client::DirEntry& e : about(path, [&] { return fs.list(path); }))
    if (e.name != "." && e.name != "..") remove_tree(fs, join(path, e.name));
  about(path, [&] { fs.unlink(path, DOTL_AT_REMOVEDIR); });
}

void rm(SyncClient& fs, const Options& o) {
  for (const std::string& path : o.paths) {
    if (o.recursive)
      remove_tree(fs, path);
    else
      about(path, [&] { fs.unlink(path); });
  }
}

void df(SyncClient& fs, const Options& o) {
  print(df_report(fs.statfs("/"), o.aname.empty() ? o.address : o.address + " " + o.aname));
}

void xattr(SyncClient& fs, const Options& o) {
  if (o.action == "list") {
    for (const std::string& name : fs.xattr_list(o.path)) print(name + "\n");
  } else if (o.action == "get") {
    const std::vector<std::byte> value = fs.xattr_get(o.path, o.name);
    LocalFile::for_writing("-").write_all(value);
  } else if (o.action == "set") {
    fs.xattr_set(o.path, o.name, std::as_bytes(std::span(o.value)));
  } else {
    fs.xattr_remove(o.path, o.name);
  }
}

}  // namespace

std::map<const CLI::App*, Runner> add_commands(CLI::App& app, Options& o) {
  std::map<const CLI::App*, Runner> runners;
  const auto command = [&](const char* name, const char* help, void (*run)(SyncClient&, const Options&)) {
    CLI::App* sub = app.add_subcommand(name, help);
    runners[sub] = [run, &o](SyncClient& fs) { run(fs, o); };
    return sub;
  };

  CLI::App* sub = command("ls", "list a directory (or name a file)", ls);
  sub->add_flag("-l", o.long_format, "long format: mode, links, uid, gid, size, mtime");
  sub->add_option("PATH", o.paths, "remote path (default /)")->expected(0, 1);

  command("stat", "show the attributes of files", stat)->add_option("PATH", o.paths)->required();
  command("cat", "write remote files to stdout", cat)->add_option("PATH", o.paths)->required();

  sub = command("put", "copy a local file (- for stdin) to the server", put);
  sub->add_option("LOCAL", o.from)->required();
  sub->add_option("REMOTE", o.to)->required();

  sub = command("get", "copy a remote file to a local file (- for stdout)", get);
  sub->add_option("REMOTE", o.from)->required();
  sub->add_option("LOCAL", o.to)->required();

  sub = command("mkdir", "make directories (mode 0755)", mkdir);
  sub->add_flag("-p", o.parents, "make parents as needed; existing directories are fine");
  sub->add_option("PATH", o.paths)->required();

  sub = command("rm", "remove files", rm);
  sub->add_flag("-r", o.recursive, "remove directories and their contents");
  sub->add_option("PATH", o.paths)->required();

  sub = command("mv", "rename a file", [](SyncClient& fs, const Options& opt) { fs.rename(opt.from, opt.to); });
  sub->add_option("FROM", o.from)->required();
  sub->add_option("TO", o.to)->required();

  sub = command("ln", "make a hard link NAME to TARGET, or a symbolic one with -s",
                [](SyncClient& fs, const Options& opt) {
                  if (opt.symbolic)
                    fs.symlink(opt.from, opt.to, opt.gid);
                  else
                    fs.link(opt.from, opt.to);
                });
  sub->add_flag("-s", o.symbolic, "symbolic link");
  sub->add_option("TARGET", o.from)->required();
  sub->add_option("NAME", o.to)->required();

  command("df", "show the file system's space and inodes", df);

  sub = command("xattr", "extended attributes: get PATH NAME, set PATH NAME VALUE, list PATH, rm PATH NAME", xattr);
  sub->add_option("ACTION", o.action)->required()->check(CLI::IsMember({"get", "set", "list", "rm"}));
  sub->add_option("PATH", o.path)->required();
  sub->add_option("NAME", o.name);
  sub->add_option("VALUE", o.value);
  sub->callback([&o] {
    const std::size_t needed = o.action == "list" ? 2 : o.action == "set" ? 4 : 3;
    const std::size_t given = 2 + !o.name.empty() + !o.value.empty();
    if (given != needed) throw CLI::ValidationError("xattr " + o.action, "wrong number of operands");
  });
  return runners;
}

}  // namespace p9::cli
