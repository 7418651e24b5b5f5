// How the client reports failure: always a std::system_error (thrown from the coroutines and from
// SyncClient). A server's Rlerror becomes std::generic_category with the Linux errno, so callers
// compare with std::errc or an errno value; failures of the client or of the connection itself use
// client_category() with the codes below.
#pragma once

#include <string>
#include <system_error>

namespace p9::client {

enum class Errc {
  connection_closed = 1,  // the connection dropped or was closed; pending calls fail with this
  protocol_error,         // the server sent something that is not valid 9P2000.L for this client
  unexpected_reply,       // a reply of another type than the request's R-message (and no Rlerror)
  flushed,                // the request was cancelled by Tflush before the server answered it
  version_refused,        // the server does not speak 9P2000.L
  too_many_requests,      // all 65535 tags are in flight
};

const std::error_category& client_category() noexcept;
std::error_code make_error_code(Errc e) noexcept;

// Throws std::system_error(errno, generic_category) with `what` as context, e.g. "Twalk".
[[noreturn]] void throw_errno(int err, const std::string& what);

// The errno value of e when it carries one (a server's Rlerror), 0 otherwise.
int errno_of(const std::system_error& e) noexcept;

}  // namespace p9::client

template <>
struct std::is_error_code_enum<p9::client::Errc> : std::true_type {};
