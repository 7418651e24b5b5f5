// Scraping the metrics endpoint of a running p9tmpfs: one HTTP GET, and the Prometheus text format
// read into samples keyed exactly as exposed, e.g. `p9tmpfs_requests_total{type="Tgetattr"}`.
#pragma once

#include <cstdint>
#include <map>
#include <string>

namespace p9::ops {

// GET /metrics from 127.0.0.1:port; the body of a 200 answer. Throws std::runtime_error otherwise.
std::string scrape(uint16_t port);

// Sample lines of the text format (comments skipped): "name{labels} value" -> value. Throws
// std::runtime_error on a line that is not a sample.
std::map<std::string, double> parse_samples(const std::string& text);

}  // namespace p9::ops
