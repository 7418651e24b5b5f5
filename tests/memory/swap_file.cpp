#include "tests/memory/swap_file.h"

#include <fcntl.h>
#include <sys/swap.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace p9::memtest {

namespace {

// What mkswap writes (Linux's union swap_header, version 1): the fields after 1 KiB of boot space,
// the signature at the end of the first page. Written here so the test needs no util-linux binary.
struct SwapHeaderV1 {
  std::uint32_t version;
  std::uint32_t last_page;
  std::uint32_t bad_pages;
  unsigned char uuid[16];
  char label[16];
};
constexpr std::size_t kHeaderOffset = 1024;
constexpr char kSignature[] = "SWAPSPACE2";

std::string error_text(const char* what, int err) { return std::string(what) + ": " + std::strerror(err); }

bool write_header(int fd, std::uint64_t bytes, std::string& why) {
  const auto page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
  std::vector<char> first(page, 0);
  SwapHeaderV1 header{};
  header.version = 1;
  header.last_page = static_cast<std::uint32_t>(bytes / page - 1);
  for (std::size_t i = 0; i < sizeof header.uuid; ++i) header.uuid[i] = static_cast<unsigned char>(i * 37 + 11);
  std::memcpy(first.data() + kHeaderOffset, &header, sizeof header);
  std::memcpy(first.data() + page - (sizeof kSignature - 1), kSignature, sizeof kSignature - 1);
  if (pwrite(fd, first.data(), first.size(), 0) != static_cast<ssize_t>(first.size()) || fsync(fd) != 0) {
    why = error_text("writing the swap header", errno);
    return false;
  }
  return true;
}

}  // namespace

std::unique_ptr<SwapFile> SwapFile::create(const std::string& path, std::uint64_t bytes, std::string& why) {
  if (geteuid() != 0) {
    why = "needs root (swapon)";
    return nullptr;
  }
  std::unique_ptr<SwapFile> swap(new SwapFile(path));
  swapoff(path.c_str());  // a leftover of a killed run: still on if that run never got to its destructor
  unlink(path.c_str());
  const int fd = open(path.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
  if (fd < 0) {
    why = error_text(("creating " + path).c_str(), errno);
    return nullptr;
  }
  // From here on the destructor removes the file.
  const int err = posix_fallocate(fd, 0, static_cast<off_t>(bytes));
  const bool written = err == 0 && write_header(fd, bytes, why);
  close(fd);
  if (err != 0) {
    why = error_text("fallocate of the swap file", err);
    return nullptr;
  }
  if (!written) return nullptr;
  if (swapon(path.c_str(), 0) != 0) {
    why = error_text(("swapon " + path + " (a file system without swap file support?)").c_str(), errno);
    return nullptr;
  }
  swap->on_ = true;
  return swap;
}

SwapFile::~SwapFile() {
  // swapoff reads every page still swapped out back in: the server must be gone first.
  if (on_) swapoff(path_.c_str());
  unlink(path_.c_str());
}

}  // namespace p9::memtest
