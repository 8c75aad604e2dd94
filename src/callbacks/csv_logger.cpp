#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>

#include "callbacks/python_format.h"
#include "keras/callbacks.h"
#include "keras/engine/training.h"

namespace keras::callbacks {

CSVLogger::CSVLogger(CSVLoggerOptions options) : options_(std::move(options)) {
  // Python's csv module rejects other delimiters when Keras builds its writer.
  if (options_.separator.size() != 1)
    throw std::invalid_argument("\"delimiter\" must be a 1-character string");
}

CSVLogger::~CSVLogger() {
  if (file_) std::fclose(file_);
}

void CSVLogger::on_train_begin(Logs&) {
  if (file_) std::fclose(file_);
  if (options_.append) {
    std::ifstream existing(options_.filename, std::ios::binary);
    // Keras's `not bool(len(f.readline()))`: only an empty file gets a header.
    if (existing) append_header_ = existing.peek() == std::ifstream::traits_type::eof();
  }
  // Binary, so the csv module's "\r\n" reaches the file unchanged on every platform.
  file_ = std::fopen(options_.filename.c_str(), options_.append ? "ab" : "wb");
  if (!file_)
    throw std::runtime_error("[Errno " + std::to_string(errno) + "] " + std::strerror(errno) +
                             ": '" + options_.filename + "'");
  writing_ = false;
}

void CSVLogger::write_row(const std::vector<std::string>& fields) {
  // csv.excel with QUOTE_MINIMAL: quote a field holding the delimiter, a quote or a line break.
  const char sep = options_.separator[0];
  std::string line;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i) line += sep;
    const std::string& field = fields[i];
    if (field.find_first_of(std::string{sep, '"', '\r', '\n'}) == std::string::npos) {
      line += field;
      continue;
    }
    line += '"';
    for (char c : field) line += c == '"' ? std::string("\"\"") : std::string(1, c);
    line += '"';
  }
  line += "\r\n";
  std::fwrite(line.data(), 1, line.size(), file_);
}

void CSVLogger::on_epoch_end(int epoch, Logs& logs) {
  if (!file_) throw std::logic_error("CSVLogger: on_train_begin must run before on_epoch_end");
  if (!keys_) {
    keys_.emplace();
    for (const auto& [key, value] : logs) keys_->push_back(key);  // a std::map: already sorted
  }
  if (!writing_) {
    writing_ = true;
    if (append_header_) {
      std::vector<std::string> header{"epoch"};
      header.insert(header.end(), keys_->begin(), keys_->end());
      write_row(header);
    }
  }
  // Keras writes "NA" for keys an interrupted epoch lacks; any other missing key is treated the
  // same rather than failing.
  std::vector<std::string> row{std::to_string(epoch)};
  for (const auto& key : *keys_) {
    auto found = logs.find(key);
    row.push_back(found == logs.end() ? "NA" : detail::float_repr(found->second));
  }
  write_row(row);
  std::fflush(file_);
}

void CSVLogger::on_train_end(Logs&) {
  if (file_) std::fclose(file_);
  file_ = nullptr;
  writing_ = false;
}

}  // namespace keras::callbacks
