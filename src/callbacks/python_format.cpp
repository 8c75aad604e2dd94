#include "callbacks/python_format.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
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
