// Replacing a file so that readers, crashes and power losses see either the previous file or the
// whole new one: every file keras.cpp saves (models, weights, .keras archives, keras.json).
#pragma once

#include <functional>
#include <string>

namespace keras::saving::detail {

// Runs write(temp_path) on a new temporary file in filepath's folder, named
// ".<file name>.keras-tmp-<pid>-<random hex>", flushes it to disk (fsync), renames it over
// filepath and flushes the folder (fsync), so that neither a crash nor a power loss can lose both
// the previous file and the new one. The temporary is removed if anything throws. Temporaries of
// the same file left by processes that no longer run (a kill -9 during an earlier save) are
// removed first; those of running processes are left alone (a process in another PID namespace
// sharing the folder counts as not running). Throws std::runtime_error when filepath exists and
// overwrite is false, when its folder does not exist, or when the data cannot be flushed.
void write_file_atomically(const std::string& filepath, bool overwrite,
                           const std::function<void(const std::string& temp_path)>& write);

}  // namespace keras::saving::detail
