#include "callbacks/python_format.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <system_error>

namespace keras::callbacks::detail {

std::string float_repr(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value < 0 ? "-inf" : "inf";
  // Shortest round-trip digits from to_chars, laid out by Python's rules (format code 'r').
  char buf[64];
  auto result = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::scientific);
  std::string text(buf, result.ptr);
  std::string sign;
  if (text[0] == '-') {
    sign = "-";
    text.erase(0, 1);
  }
  std::size_t e = text.find('e');
  std::string digits = text.substr(0, e);
  if (digits.size() > 1) digits.erase(1, 1);  // drop the '.'
  const int exponent = std::atoi(text.c_str() + e + 1);
  const int ndigits = static_cast<int>(digits.size());
  const int point = exponent + 1;  // digits before the decimal point
  // Built by appending: GCC 12 misreports -Wrestrict on `"." + std::string&&`.
  std::string out = sign;
  if (point <= -4 || point > 16) {
    out += digits[0];
    if (ndigits > 1) out.append(".").append(digits, 1);
    char exp_text[16];
    std::snprintf(exp_text, sizeof exp_text, "e%c%02d", exponent < 0 ? '-' : '+',
                  std::abs(exponent));
    return out.append(exp_text);
  }
  const auto upoint = static_cast<std::size_t>(point);
  if (point <= 0)
    out.append("0.").append(static_cast<std::size_t>(-point), '0').append(digits);
  else if (point < ndigits)
    out.append(digits, 0, upoint).append(".").append(digits, upoint);
  else
    out.append(digits).append(upoint - digits.size(), '0').append(".0");
  return out;
}

void warn(std::set<std::string>& shown, const std::string& message, const char* category) {
  if (!shown.insert(message).second) return;
  std::fflush(stdout);  // keep the order of prints and warnings on a shared terminal
  std::fprintf(stderr, "%s: %s\n", category, message.c_str());
}

}  // namespace keras::callbacks::detail

namespace keras::callbacks::detail {

namespace {

struct Spec {
  char fill = ' ';
  char align = 0;  // '<', '>', '^', '='
  char sign = '-';
  bool alternate = false;
  bool zero = false;
  int width = -1;
  bool grouping = false;
  int precision = -1;
  char type = 0;
};

Spec parse_spec(const std::string& text) {
  Spec spec;
  std::size_t i = 0;
  auto is_align = [](char c) { return c == '<' || c == '>' || c == '^' || c == '='; };
  if (text.size() >= 2 && is_align(text[1])) {
    spec.fill = text[0];
    spec.align = text[1];
    i = 2;
  } else if (!text.empty() && is_align(text[0])) {
    spec.align = text[0];
    i = 1;
  }
  if (i < text.size() && (text[i] == '+' || text[i] == '-' || text[i] == ' '))
    spec.sign = text[i++];
  if (i < text.size() && text[i] == '#') {
    spec.alternate = true;
    ++i;
  }
  if (i < text.size() && text[i] == '0') {
    spec.zero = true;
    ++i;
  }
  auto digits = [&]() {
    int value = -1;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
      value = (value < 0 ? 0 : value * 10) + (text[i++] - '0');
      if (value > 100000) throw std::invalid_argument("Too many decimal digits in format string");
    }
    return value;
  };
  spec.width = digits();
  if (i < text.size() && text[i] == ',') {
    spec.grouping = true;
    ++i;
  }
  if (i < text.size() && text[i] == '.') {
    ++i;
    spec.precision = digits();
    if (spec.precision < 0) throw std::invalid_argument("Format specifier missing precision");
  }
  if (i < text.size()) spec.type = text[i++];
  if (i != text.size()) throw std::invalid_argument("Invalid format specifier '" + text + "'");
  return spec;
}

std::string group_thousands(const std::string& digits) {
  std::string out;
  int count = 0;
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
    if (count > 0 && count % 3 == 0) out.insert(out.begin(), ',');
    out.insert(out.begin(), *it);
    ++count;
  }
  return out;
}

// Sign, then the body padded to the spec's width.
std::string pad(std::string sign, std::string body, const Spec& spec, char default_align) {
  char align = spec.align ? spec.align : (spec.zero ? '=' : default_align);
  char fill = spec.align ? spec.fill : (spec.zero ? '0' : ' ');
  std::size_t length = sign.size() + body.size();
  std::size_t width = spec.width < 0 ? 0 : static_cast<std::size_t>(spec.width);
  if (length >= width) return sign + body;
  std::size_t n = width - length;
  switch (align) {
    case '<':
      return sign + body + std::string(n, fill);
    case '^':
      return std::string(n / 2, fill) + sign + body + std::string(n - n / 2, fill);
    case '=':
      return sign + std::string(n, fill) + body;
    default:
      return std::string(n, fill) + sign + body;
  }
}

std::string sign_of(bool negative, const Spec& spec) {
  if (negative) return "-";
  if (spec.sign == '+') return "+";
  if (spec.sign == ' ') return " ";
  return "";
}

std::string format_int(std::int64_t value, const Spec& spec) {
  if (spec.precision >= 0)
    throw std::invalid_argument("Precision not allowed in integer format specifier");
  const bool negative = value < 0;
  const std::uint64_t magnitude =
      negative ? 0 - static_cast<std::uint64_t>(value) : static_cast<std::uint64_t>(value);
  std::string body;
  char buf[80];
  switch (spec.type) {
    case 0:
    case 'd':
    case 'n':
      std::snprintf(buf, sizeof buf, "%llu", static_cast<unsigned long long>(magnitude));
      body = buf;
      if (spec.grouping) body = group_thousands(body);
      break;
    case 'x':
    case 'X':
    case 'o':
      std::snprintf(buf, sizeof buf,
                    spec.type == 'x'   ? "%llx"
                    : spec.type == 'X' ? "%llX"
                                       : "%llo",
                    static_cast<unsigned long long>(magnitude));
      body = buf;
      if (spec.alternate)
        body = std::string(spec.type == 'o' ? "0o" : spec.type == 'x' ? "0x" : "0X") + body;
      break;
    case 'b': {
      std::uint64_t m = magnitude;
      do {
        body.insert(body.begin(), static_cast<char>('0' + (m & 1)));
        m >>= 1;
      } while (m);
      if (spec.alternate) body = "0b" + body;
      break;
    }
    case 'c':
      return pad("", std::string(1, static_cast<char>(value)), spec, '<');
    default:
      throw std::invalid_argument(std::string("Unknown format code '") + spec.type +
                                  "' for object of type 'int'");
  }
  return pad(sign_of(negative, spec), body, spec, '>');
}

std::string format_float(double value, const Spec& spec) {
  const bool negative = std::signbit(value) && !std::isnan(value);
  const double magnitude = std::fabs(value);
  std::string body;
  if (std::isnan(value) || std::isinf(value)) {
    bool upper = spec.type == 'E' || spec.type == 'F' || spec.type == 'G';
    body = std::isnan(value) ? (upper ? "NAN" : "nan") : (upper ? "INF" : "inf");
    if (spec.type == '%') body += "%";
  } else if (spec.type == 0 && spec.precision < 0) {
    body = float_repr(magnitude);
  } else {
    char type = spec.type;
    int precision = spec.precision < 0 ? 6 : spec.precision;
    double shown = magnitude;
    if (type == '%') {
      shown *= 100.0;
      type = 'f';
    } else if (type == 0 || type == 'n') {
      type = 'g';
      if (spec.type == 0 && precision == 0) precision = 1;
    }
    switch (type) {
      case 'e':
      case 'E':
      case 'f':
      case 'F':
      case 'g':
      case 'G':
        break;
      default:
        throw std::invalid_argument(std::string("Unknown format code '") + spec.type +
                                    "' for object of type 'float'");
    }
    char format[16];
    std::snprintf(format, sizeof format, "%%%s.%d%c", spec.alternate ? "#" : "", precision, type);
    int n = std::snprintf(nullptr, 0, format, shown);
    body.resize(static_cast<std::size_t>(n) + 1);
    std::snprintf(body.data(), body.size(), format, shown);
    body.resize(static_cast<std::size_t>(n));
    if (spec.grouping) {
      std::size_t end = body.find_first_not_of("0123456789");
      if (end == std::string::npos) end = body.size();
      body = group_thousands(body.substr(0, end)) + body.substr(end);
    }
    if (spec.type == '%') body += "%";
  }
  return pad(sign_of(negative, spec), body, spec, '>');
}

// Python formats an int with a float presentation type as the float.
std::string format_int_or_float(std::int64_t value, const Spec& spec) {
  switch (spec.type) {
    case 'e':
    case 'E':
    case 'f':
    case 'F':
    case 'g':
    case 'G':
    case '%':
      return format_float(static_cast<double>(value), spec);
    default:
      return format_int(value, spec);
  }
}

}  // namespace

std::string python_format(const std::string& format,
                          const std::map<std::string, FormatValue>& kwargs) {
  std::string out;
  for (std::size_t i = 0; i < format.size(); ++i) {
    char c = format[i];
    if (c == '}') {
      if (i + 1 < format.size() && format[i + 1] == '}') {
        out += '}';
        ++i;
        continue;
      }
      throw std::invalid_argument("Single '}' encountered in format string");
    }
    if (c != '{') {
      out += c;
      continue;
    }
    if (i + 1 < format.size() && format[i + 1] == '{') {
      out += '{';
      ++i;
      continue;
    }
    std::size_t close = format.find('}', i);
    if (close == std::string::npos)
      throw std::invalid_argument("Single '{' encountered in format string");
    std::string field = format.substr(i + 1, close - i - 1);
    std::string spec_text;
    if (auto colon = field.find(':'); colon != std::string::npos) {
      spec_text = field.substr(colon + 1);
      field = field.substr(0, colon);
    }
    if (field.find('!') != std::string::npos)
      throw std::invalid_argument("Conversions (!r, !s) are not supported in '" + format + "'");
    if (field.empty() || std::isdigit(static_cast<unsigned char>(field[0])))
      throw std::invalid_argument("Replacement index " +
                                  (field.empty() ? std::string("0") : field) +
                                  " out of range for positional args tuple (only named fields "
                                  "such as {epoch} are available)");
    auto it = kwargs.find(field);
    if (it == kwargs.end()) {
      std::string known;
      for (const auto& [key, value] : kwargs) known += (known.empty() ? "" : ", ") + key;
      throw std::invalid_argument("KeyError: '" + field + "' in the format string '" + format +
                                  "' (available: " + known + ")");
    }
    Spec spec = parse_spec(spec_text);
    if (std::holds_alternative<std::int64_t>(it->second))
      out += format_int_or_float(std::get<std::int64_t>(it->second), spec);
    else
      out += format_float(std::get<double>(it->second), spec);
    i = close;
  }
  return out;
}

}  // namespace keras::callbacks::detail
