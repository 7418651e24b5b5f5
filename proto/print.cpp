#include "proto/print.h"

#include <charconv>
#include <concepts>
#include <string_view>
#include <variant>

namespace p9 {
namespace {

void append_number(std::string& out, uint64_t v, int base = 10, int min_digits = 0) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, base);
  (void)ec;  // 24 bytes hold any u64 in base >= 8
  for (int pad = min_digits - static_cast<int>(end - buf); pad > 0; --pad) out += '0';
  out.append(buf, end);
}

// Escapes what would break a one-line trace; UTF-8 names stay readable.
void append_escaped(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f || c == '\\' || c == '\'') {
      out += "\\x";
      out += kHex[u >> 4];
      out += kHex[u & 0xf];
    } else {
      out += c;
    }
  }
}

void append_qid(std::string& out, const Qid& q) {
  static constexpr struct {
    uint8_t bit;
    char letter;
  } kLetters[] = {{QTDIR, 'd'},   {QTAPPEND, 'a'},  {QTEXCL, 'l'},    {QTMOUNT, 'm'},
                  {QTAUTH, 'A'},  {QTTMP, 't'},     {QTSYMLINK, 'L'}, {QTLINK, 'h'}};
  out += '(';
  append_number(out, q.path, 16, 16);
  out += ' ';
  append_number(out, q.version);
  if (q.type != QTFILE) {
    out += ' ';
    for (const auto& [bit, letter] : kLetters)
      if (q.type & bit) out += letter;
  }
  out += ')';
}

// Appends " name value" for one field; the wire type picks the form.
class FieldPrinter {
 public:
  explicit FieldPrinter(std::string& out) : out_(out) {}

  template <std::unsigned_integral T>
  void operator()(std::string_view name, T v) {
    label(name);
    if (name == "mode") {
      out_ += '0';
      append_number(out_, v, 8);
    } else if (name == "flags" || name == "valid" || name == "request_mask") {
      out_ += "0x";
      append_number(out_, v, 16);
    } else {
      append_number(out_, v);
    }
  }
  void operator()(std::string_view name, std::string_view s) {
    label(name);
    out_ += '\'';
    append_escaped(out_, s);
    out_ += '\'';
  }
  void operator()(std::string_view name, const Qid& q) {
    label(name);
    append_qid(out_, q);
  }
  void operator()(std::string_view, const Data& d) {
    label("count");
    append_number(out_, d.size());
  }
  void operator()(std::string_view, const WalkNames& names) {
    label("nwname");
    append_list(names, [this](std::string_view s) { append_escaped(out_, s); });
  }
  void operator()(std::string_view, const WalkQids& qids) {
    label("nwqid");
    append_list(qids, [this](const Qid& q) { append_qid(out_, q); });
  }

 private:
  void label(std::string_view name) {
    out_ += ' ';
    out_ += name;
    out_ += ' ';
  }
  // "N [a, b]"
  template <class List, class AppendOne>
  void append_list(const List& list, AppendOne append_one) {
    append_number(out_, list.size());
    out_ += " [";
    bool first = true;
    for (const auto& item : list) {
      if (!first) out_ += ", ";
      first = false;
      append_one(item);
    }
    out_ += ']';
  }

  std::string& out_;
};

}  // namespace

std::string to_string(const Qid& q) {
  std::string out;
  append_qid(out, q);
  return out;
}

std::string to_string(const Fcall& f) {
  std::string out(msg_name(f.type()));
  out += " tag ";
  append_number(out, f.tag);
  std::visit([&out](const auto& msg) { msg.fields(msg, FieldPrinter(out)); }, f.msg);
  return out;
}

}  // namespace p9
