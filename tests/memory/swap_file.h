#pragma once
// A swap file switched on for the life of the object (root only): created, given a swap header,
// swapon'ed; swapoff'ed and removed by the destructor, whatever path the test takes.

#include <cstdint>
#include <memory>
#include <string>

namespace p9::memtest {

class SwapFile {
 public:
  // nullptr, with the reason in `why`, when the machine cannot do it (not root, a file system
  // without swap file support, swapon refused).
  static std::unique_ptr<SwapFile> create(const std::string& path, std::uint64_t bytes, std::string& why);
  SwapFile(const SwapFile&) = delete;
  SwapFile& operator=(const SwapFile&) = delete;
  ~SwapFile();

  const std::string& path() const { return path_; }

 private:
  explicit SwapFile(std::string path) : path_(std::move(path)) {}

  std::string path_;
  bool on_ = false;
};

}  // namespace p9::memtest
