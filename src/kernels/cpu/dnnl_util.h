// Small oneDNN helpers for the cpu kernels (convolution, pooling, batch normalization): the engine
// and stream, memories bound to graph buffers per run, and a primitive with its arguments bound
// once (Bound).
#pragma once

#include <dnnl.hpp>

#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <vector>

namespace keras::kernels::cpu::dnnl_util {

inline dnnl::engine& engine() {
  static dnnl::engine e(dnnl::engine::kind::cpu, 0);
  return e;
}
inline dnnl::stream& stream() {
  static dnnl::stream s(engine());
  return s;
}

// KERAS_DNNL_VERBOSE=1 prints the implementation oneDNN picked for each primitive.
inline void report(const char* what, const dnnl::primitive_desc& pd) {
  static const bool on = [] {
    const char* v = std::getenv("KERAS_DNNL_VERBOSE");
    return v && *v && std::string(v) != "0";
  }();
  if (on)
    std::fprintf(stderr, "keras dnnl: %s -> %s, scratchpad %zu bytes\n", what, pd.impl_info_str(),
                 pd.scratchpad_desc().get_size());
}

inline dnnl::primitive_attr user_scratchpad() {
  dnnl::primitive_attr attr;
  attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
  return attr;
}

// A memory with no data yet (bound per run) or with its own buffer (scratch).
inline dnnl::memory user_memory(const dnnl::memory::desc& md) {
  return dnnl::memory(md, engine(), DNNL_MEMORY_NONE);
}
inline dnnl::memory owned_memory(const dnnl::memory::desc& md) {
  return dnnl::memory(md, engine());
}
inline void set(const dnnl::memory& m, const void* data) {
  m.set_data_handle(const_cast<void*>(data));
}

// A primitive with its arguments bound to memories whose data pointers are refreshed each run.
struct Bound {
  dnnl::primitive primitive;
  std::vector<dnnl_exec_arg_t> args;
  std::vector<dnnl::memory> keep;  // owns the memories the args point at

  void bind(int arg, const dnnl::memory& m) {
    keep.push_back(m);
    args.push_back({arg, m.get()});
  }
  void run() const {
    dnnl_status_t status = dnnl_primitive_execute(primitive.get(), stream().get(),
                                                  static_cast<int>(args.size()), args.data());
    if (status != dnnl_success)
      throw std::runtime_error("oneDNN primitive execution failed with status " +
                               std::to_string(status));
  }
};

}  // namespace keras::kernels::cpu::dnnl_util
