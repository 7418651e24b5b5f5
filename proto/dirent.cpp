#include "proto/dirent.h"

#include "proto/wire.h"

namespace p9 {

std::size_t dirent_size(std::string_view name) noexcept {
  wire::Measure m;
  m.add_fields(Dirent{.qid = {}, .offset = 0, .type = 0, .name = name});
  return m.bytes();
}

bool DirentPacker::add(const Dirent& e) noexcept {
  wire::Measure m;
  m.add_fields(e);
  if (!m.fits() || out_.size() - used_ < m.bytes()) return false;
  wire::Writer w(out_.data() + used_, true);
  w.write_fields(e);
  used_ += m.bytes();
  return true;
}

std::optional<Dirent> DirentParser::next() noexcept {
  if (malformed_ || rest_.empty()) return std::nullopt;
  wire::Reader in(rest_);
  Dirent e;
  in.read_fields(e);
  if (in.error()) {
    malformed_ = true;
    return std::nullopt;
  }
  rest_ = rest_.subspan(in.consumed());
  return e;
}

}  // namespace p9
