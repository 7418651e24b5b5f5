#include "client/cli/local_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <utility>

#include "client/cli/failure.h"

namespace p9::cli {

LocalFile LocalFile::for_reading(const std::string& path) {
  if (path == "-") return LocalFile(STDIN_FILENO, "stdin", false);
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) fail_errno(errno, path);
  LocalFile file(fd, path, true);
  // A directory opens, but reading it fails only later: after put made the remote file.
  struct stat st {};
  if (::fstat(fd, &st) != 0) fail_errno(errno, path);
  if (S_ISDIR(st.st_mode)) fail_errno(EISDIR, path);
  return file;
}

LocalFile LocalFile::for_writing(const std::string& path) {
  if (path == "-") return LocalFile(STDOUT_FILENO, "stdout", false);
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd < 0) fail_errno(errno, path);
  return LocalFile(fd, path, true);
}

LocalFile::LocalFile(LocalFile&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), path_(std::move(other.path_)), owned_(std::exchange(other.owned_, false)) {}

LocalFile::~LocalFile() {
  if (owned_) ::close(fd_);
}

std::size_t LocalFile::read_full(std::span<std::byte> buffer) {
  std::size_t got = 0;
  while (got < buffer.size()) {
    const ssize_t n = ::read(fd_, buffer.data() + got, buffer.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail_errno(errno, path_);
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  return got;
}

void LocalFile::write_all(std::span<const std::byte> data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd_, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail_errno(errno, path_);
    data = data.subspan(static_cast<std::size_t>(n));
  }
}

uint32_t LocalFile::permissions() const {
  struct stat st {};
  if (!owned_ || ::fstat(fd_, &st) != 0 || !S_ISREG(st.st_mode)) return 0644;
  return st.st_mode & 07777;
}

}  // namespace p9::cli
