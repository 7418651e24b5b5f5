// Trace lines for logs, driven by the same field lists as the codec:
//   Twalk tag 3 fid 1 newfid 2 nwname 2 [usr, bin]
//   Rread tag 5 count 4096
//   Rlerror tag 2 ecode 2
// Strings are quoted with non-printable bytes escaped; payloads show only their count; qids print as
// (path version type-letters) like Plan 9; mode in octal, flags and masks in hex.
#pragma once

#include <string>

#include "proto/message.h"

namespace p9 {

std::string to_string(const Fcall& f);
std::string to_string(const Qid& q);

}  // namespace p9
