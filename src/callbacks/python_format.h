// Python's text for values and warnings, so callbacks print and write what Keras does.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <variant>

namespace keras::callbacks::detail {

// repr(float) of Python 3: the shortest digits that round-trip, in fixed notation for exponents
// -4 <= e < 16 ("0.0001", "2.0", "1234567890123456.0") and scientific otherwise ("1e-05",
// "1.5e+16"); "nan", "inf", "-inf".
std::string float_repr(double value);

// warnings.warn(message, category) under Python's default filter: "<category>: <message>" on
// stderr, a text already in `shown` not repeated.
void warn(std::set<std::string>& shown, const std::string& message,
          const char* category = "RuntimeWarning");

// A value for str.format: Python int or float.
using FormatValue = std::variant<std::int64_t, double>;

// Python's str.format with keyword fields only: "{epoch:02d}-{val_loss:.2f}" with the format spec
// mini-language ([[fill]align][sign][#][0][width][,][.precision][type]; types d b o x X c for
// ints, e E f F g G % for both, n). "{{" and "}}" are braces. Throws std::invalid_argument with
// Python's message for a missing key (KeyError) or a bad spec (ValueError).
std::string python_format(const std::string& format,
                          const std::map<std::string, FormatValue>& kwargs);

}  // namespace keras::callbacks::detail
