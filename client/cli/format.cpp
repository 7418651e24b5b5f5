#include "client/cli/format.h"

#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <ctime>

#include <fmt/format.h>

#include "proto/print.h"

namespace p9::cli {
namespace {

char type_letter(uint32_t mode) {
  switch (mode & S_IFMT) {
    case S_IFDIR: return 'd';
    case S_IFLNK: return 'l';
    case S_IFCHR: return 'c';
    case S_IFBLK: return 'b';
    case S_IFIFO: return 'p';
    case S_IFSOCK: return 's';
    default: return '-';
  }
}

std::string_view type_name(uint32_t mode) {
  switch (mode & S_IFMT) {
    case S_IFDIR: return "directory";
    case S_IFLNK: return "symbolic link";
    case S_IFCHR: return "character special file";
    case S_IFBLK: return "block special file";
    case S_IFIFO: return "fifo";
    case S_IFSOCK: return "socket";
    case S_IFREG: return "regular file";
    default: return "unknown";
  }
}

std::string local_time(uint64_t sec, const char* format) {
  const auto t = static_cast<std::time_t>(sec);
  std::tm tm{};
  localtime_r(&t, &tm);
  char text[64];
  return std::string(text, std::strftime(text, sizeof text, format, &tm));
}

std::string timestamp(uint64_t sec, uint64_t nsec) {
  return fmt::format("{}.{:09}", local_time(sec, "%Y-%m-%d %H:%M:%S"), nsec);
}

}  // namespace

std::string mode_string(uint32_t mode) {
  std::string s = "?rwxrwxrwx";
  s[0] = type_letter(mode);
  for (int bit = 0; bit < 9; ++bit)
    if (!(mode & (0400u >> bit))) s[1 + bit] = '-';
  // setuid/setgid/sticky replace the execute letters, lowercase when execute is also set.
  if (mode & S_ISUID) s[3] = (mode & S_IXUSR) ? 's' : 'S';
  if (mode & S_ISGID) s[6] = (mode & S_IXGRP) ? 's' : 'S';
  if (mode & S_ISVTX) s[9] = (mode & S_IXOTH) ? 't' : 'T';
  return s;
}

std::string long_listing(const client::Attr& attr, std::string_view name, std::string_view symlink_target) {
  std::string line = fmt::format("{} {:>3} {:>5} {:>5} {:>10} {} {}", mode_string(attr.mode), attr.nlink, attr.uid,
                                 attr.gid, attr.size, local_time(attr.mtime_sec, "%Y-%m-%d %H:%M"), name);
  if (!symlink_target.empty()) line += fmt::format(" -> {}", symlink_target);
  return line;
}

std::string stat_report(const client::Attr& attr, std::string_view path) {
  std::string out = fmt::format("  File: {}\n  Type: {}\n", path, type_name(attr.mode));
  out += fmt::format("  Size: {:<12} Blocks: {:<10} IO Block: {}\n", attr.size, attr.blocks, attr.blksize);
  out += fmt::format(" Inode: {:<12} Links: {:<11} Qid: {}\n", attr.qid.path, attr.nlink, to_string(attr.qid));
  out += fmt::format("Access: ({:04o}/{})  Uid: {}  Gid: {}\n", attr.mode & 07777, mode_string(attr.mode), attr.uid,
                     attr.gid);
  if ((attr.mode & S_IFMT) == S_IFCHR || (attr.mode & S_IFMT) == S_IFBLK)
    out += fmt::format("Device: {},{}\n", major(attr.rdev), minor(attr.rdev));
  out += fmt::format("Access: {}\nModify: {}\nChange: {}\n", timestamp(attr.atime_sec, attr.atime_nsec),
                     timestamp(attr.mtime_sec, attr.mtime_nsec), timestamp(attr.ctime_sec, attr.ctime_nsec));
  if (attr.valid & GETATTR_BTIME) out += fmt::format(" Birth: {}\n", timestamp(attr.btime_sec, attr.btime_nsec));
  if (attr.valid & GETATTR_GEN) out += fmt::format("   Gen: {}\n", attr.gen);
  if (attr.valid & GETATTR_DATA_VERSION) out += fmt::format("  Data version: {}\n", attr.data_version);
  return out;
}

std::string df_report(const Rstatfs& fs, std::string_view name) {
  const auto kib = [&fs](uint64_t blocks) { return blocks * fs.bsize / 1024; };
  const uint64_t used = fs.blocks - fs.bfree;
  // Use% as df computes it: used / (used + available), rounded up.
  const uint64_t usable = used + fs.bavail;
  const uint64_t percent = usable ? (used * 100 + usable - 1) / usable : 0;
  return fmt::format("{:<20} {:>12} {:>12} {:>12} {:>4}% {:>10} {:>10} {:>10}\n", "Filesystem", "1K-blocks", "Used",
                     "Available", "Use", "Inodes", "IUsed", "IFree") +
         fmt::format("{:<20} {:>12} {:>12} {:>12} {:>4}% {:>10} {:>10} {:>10}\n", name, kib(fs.blocks), kib(used),
                     kib(fs.bavail), percent, fs.files, fs.files - fs.ffree, fs.ffree);
}

}  // namespace p9::cli
