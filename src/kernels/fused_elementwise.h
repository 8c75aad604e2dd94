// A fused chain of elementwise ops over one loop domain, run chunk by chunk so intermediates stay
// in cache: what the compiler makes of optimizer updates and activation gradients.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "keras/backend/graph.h"

namespace keras::kernels {

struct FusedProgram {
  struct Operand {
    const void* data = nullptr;
    bool scalar = false;  // numel 1, broadcast over the loop
  };
  struct Instruction {
    backend::OpKind op;
    int a = -1, b = -1;  // registers: inputs first, then one per instruction
    double alpha = 0, beta = 0;
    void* direct = nullptr;  // the result goes straight to this output instead of scratch
    // cpu (set by prepare_fused): its chunk of per-thread scratch, slots reused; operands read
    // as x * scale + offset, both scalar input registers (-1: none), which folds a multiply or an
    // add of a scalar into its readers; a folded instruction is not run. An arithmetic reader
    // may also apply a unary op (sqrt, square) to an operand before its scale and offset.
    int slot = -1;
    int a_scale = -1, b_scale = -1;
    int a_offset = -1, b_offset = -1;
    backend::OpKind a_unary = backend::OpKind::kCount, b_unary = backend::OpKind::kCount;
    bool folded = false;
  };
  struct Output {
    int reg;
    void* data;
  };
  DType dtype = DType::float32;
  std::int64_t n = 0;
  std::vector<Operand> inputs;
  std::vector<Instruction> code;
  std::vector<Output> outputs;
  std::vector<char> scratch;  // per-thread registers, sized when planned
  int slots = 0;              // scratch chunks per thread
  int threads = 1;
  std::shared_ptr<void> device_program;  // cuda: the program in device memory, made on first run
};

constexpr std::int64_t kFusedChunk = 512;

// Sizes the scratch space for the current OpenMP thread count.
void prepare_fused(FusedProgram& program);
void run_fused(FusedProgram& program);

}  // namespace keras::kernels
