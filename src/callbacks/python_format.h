// Python's text for values and warnings, so callbacks print and write what Keras does.
#pragma once

#include <set>
#include <string>

namespace keras::callbacks::detail {

// repr(float) of Python 3: the shortest digits that round-trip, in fixed notation for exponents
// -4 <= e < 16 ("0.0001", "2.0", "1234567890123456.0") and scientific otherwise ("1e-05",
// "1.5e+16"); "nan", "inf", "-inf".
std::string float_repr(double value);

// warnings.warn(message, category) under Python's default filter: "<category>: <message>" on
// stderr, a text already in `shown` not repeated.
void warn(std::set<std::string>& shown, const std::string& message,
          const char* category = "RuntimeWarning");

}  // namespace keras::callbacks::detail
