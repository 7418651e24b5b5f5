// An error of the CLI that names its own subject, e.g. the local file of `put` or the entry deep
// inside `rm -r` that failed: what() is "SUBJECT: message". Other std::system_errors are reported
// with the command's operands as the subject.
#pragma once

#include <string>
#include <system_error>

namespace p9::cli {

class Failure : public std::system_error {
 public:
  Failure(std::error_code code, const std::string& subject) : std::system_error(code, subject) {}
};

// Throws Failure(errno, subject).
[[noreturn]] inline void fail_errno(int err, const std::string& subject) {
  throw Failure(std::error_code(err, std::generic_category()), subject);
}

}  // namespace p9::cli
