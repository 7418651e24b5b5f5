// The local side of put, get and cat: a file, or stdin/stdout when the name is "-".
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

namespace p9::cli {

class LocalFile {
 public:
  static LocalFile for_reading(const std::string& path);
  // Created if missing (0666 less umask), truncated.
  static LocalFile for_writing(const std::string& path);
  LocalFile(LocalFile&& other) noexcept;
  LocalFile& operator=(LocalFile&&) = delete;
  ~LocalFile();

  // Fills buffer; fewer bytes only at the end of the file. Throws Failure.
  std::size_t read_full(std::span<std::byte> buffer);
  void write_all(std::span<const std::byte> data);
  // Permission bits for a copy of this file on the server (0644 for stdin).
  uint32_t permissions() const;

 private:
  LocalFile(int fd, std::string path, bool owned) noexcept : fd_(fd), path_(std::move(path)), owned_(owned) {}

  int fd_;
  std::string path_;
  bool owned_;  // stdin/stdout are not closed
};

}  // namespace p9::cli
