// Text output of the p9 CLI: ls -l lines, stat blocks and the df table, in the style of coreutils.
#pragma once

#include <string>
#include <string_view>

#include "client/path_client.h"

namespace p9::cli {

// "drwxr-xr-x" from a st_mode.
std::string mode_string(uint32_t mode);
// One `ls -l` line; symlink_target is shown after " -> " when not empty.
std::string long_listing(const client::Attr& attr, std::string_view name, std::string_view symlink_target);
// The `stat` block for path.
std::string stat_report(const client::Attr& attr, std::string_view path);
// The `df` header and line for the export called `name`.
std::string df_report(const Rstatfs& fs, std::string_view name);

}  // namespace p9::cli
