# The library's sources built a second time with AddressSanitizer and UBSan (the object library
# keras_sanitized), for the saving corruption tests (tests/) and the fuzzers (fuzz/). One copy
# serves both: where clang with libFuzzer is installed (Debian: clang libclang-rt-14-dev
# libomp-dev) it is compiled by clang with libFuzzer's coverage instrumentation
# (-fsanitize=fuzzer-no-link); elsewhere by the project's compiler, and the fuzzers are skipped.
# It is the library without oneDNN (KERAS_CORE_*: what -DKERAS_WITH_DNNL=OFF builds), so that every
# build also compiles that configuration. HDF5, libzip and the other system libraries are not
# instrumented.
#
#   keras_sanitized_executable(<target> <sources>... [FUZZER])
# builds a program over that copy, with the same compiler and sanitizers (FUZZER: a libFuzzer
# harness, which needs KERAS_SANITIZED_HAS_FUZZER).
include_guard(GLOBAL)

set(KERAS_SANITIZE_FLAGS -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)

# clang++ that links a libFuzzer harness with ASan, UBSan and OpenMP: the project's compiler
# when it is clang, else clang++ from the PATH. Checked once; the answer is cached.
if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  set(KERAS_FUZZ_CLANGXX ${CMAKE_CXX_COMPILER})
else()
  find_program(KERAS_FUZZ_CLANGXX NAMES clang++ clang++-14
               DOC "clang++ for the sanitized copy of the library and the fuzzers")
endif()
if(KERAS_FUZZ_CLANGXX AND NOT DEFINED CACHE{KERAS_FUZZ_CLANG_WORKS})
  set(check_dir ${CMAKE_BINARY_DIR}/CMakeFiles/keras_libfuzzer_check)
  file(WRITE ${check_dir}/check.cpp
       "#include <omp.h>\n#include <cstddef>\n#include <cstdint>\n"
       "extern \"C\" int LLVMFuzzerTestOneInput(const std::uint8_t*, std::size_t size) {\n"
       "  return static_cast<int>(size) * omp_get_max_threads() * 0;\n}\n")
  execute_process(COMMAND ${KERAS_FUZZ_CLANGXX} -std=c++20 -fopenmp -fsanitize=fuzzer,address,undefined
                          ${check_dir}/check.cpp -o ${check_dir}/check
                  RESULT_VARIABLE check_status OUTPUT_VARIABLE check_output ERROR_VARIABLE check_output)
  if(check_status EQUAL 0)
    set(works ON)
  else()
    set(works OFF)
    message(STATUS "keras.cpp: ${KERAS_FUZZ_CLANGXX} cannot build a libFuzzer harness with ASan, "
                   "UBSan and OpenMP:\n${check_output}")
  endif()
  set(KERAS_FUZZ_CLANG_WORKS ${works} CACHE INTERNAL "clang++ builds libFuzzer harnesses")
endif()
if(KERAS_FUZZ_CLANGXX AND KERAS_FUZZ_CLANG_WORKS)
  set(KERAS_SANITIZED_HAS_FUZZER ON)
else()
  set(KERAS_SANITIZED_HAS_FUZZER OFF)
endif()

# Builds `target` with clang when the project's compiler is another one.
function(keras_build_with_fuzz_clang target)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    return()
  endif()
  set(wrapper ${PROJECT_SOURCE_DIR}/cmake/compile_with.sh)
  set(compile ${wrapper} ${CMAKE_CXX_COMPILER_LAUNCHER} ${KERAS_FUZZ_CLANGXX} --)  # ccache kept
  set_target_properties(${target} PROPERTIES CXX_COMPILER_LAUNCHER "${compile}"
                        CXX_LINKER_LAUNCHER "${wrapper};${KERAS_FUZZ_CLANGXX};--")
endfunction()

add_library(keras_sanitized OBJECT ${KERAS_CORE_SOURCES})
target_include_directories(keras_sanitized PUBLIC ${PROJECT_SOURCE_DIR}/include
                           PRIVATE ${PROJECT_SOURCE_DIR}/src)
# The library's own dependencies (CMakeLists.txt), but OpenMP: chosen below by the compiler.
target_link_libraries(keras_sanitized PUBLIC ${KERAS_CORE_PRIVATE_DEPS} nlohmann_json::nlohmann_json)
target_compile_definitions(keras_sanitized PRIVATE ${KERAS_CORE_PRIVATE_DEFINITIONS})
# -O1 -g1: quick to build, with line numbers in the reports. The sources' warnings are checked
# by the main build already.
target_compile_options(keras_sanitized PRIVATE ${KERAS_SANITIZE_FLAGS} -O1 -g1 -fno-math-errno)
if(KERAS_NATIVE_ARCH)
  target_compile_options(keras_sanitized PRIVATE -march=native)
endif()
if(KERAS_SANITIZED_HAS_FUZZER)
  keras_build_with_fuzz_clang(keras_sanitized)
  target_compile_options(keras_sanitized PRIVATE -fsanitize=fuzzer-no-link -w)
  # clang's own OpenMP runtime: the GNU runtime that OpenMP::OpenMP_CXX names cannot run clang's
  # OpenMP code.
  target_compile_options(keras_sanitized PUBLIC -fopenmp)
  target_link_options(keras_sanitized PUBLIC -fopenmp)
else()
  target_link_libraries(keras_sanitized PUBLIC OpenMP::OpenMP_CXX)
endif()

function(keras_sanitized_executable target)
  cmake_parse_arguments(PARSE_ARGV 1 arg "FUZZER" "" "")
  add_executable(${target} ${arg_UNPARSED_ARGUMENTS})
  # An object library's objects reach only the targets that link it directly: the event-file
  # messages (keras_tfevents_proto) are named here as well as in keras_sanitized's dependencies.
  target_link_libraries(${target} PRIVATE keras_sanitized keras_tfevents_proto)
  target_compile_options(${target} PRIVATE ${KERAS_SANITIZE_FLAGS} -O1 -g1 -Wall -Wextra)
  target_link_options(${target} PRIVATE ${KERAS_SANITIZE_FLAGS})
  if(KERAS_WARNINGS_AS_ERRORS)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
  if(KERAS_SANITIZED_HAS_FUZZER)
    keras_build_with_fuzz_clang(${target})
    if(arg_FUZZER)
      target_compile_options(${target} PRIVATE -fsanitize=fuzzer)
      target_link_options(${target} PRIVATE -fsanitize=fuzzer)
    else()
      target_compile_options(${target} PRIVATE -fsanitize=fuzzer-no-link)
      target_link_options(${target} PRIVATE -fsanitize=fuzzer-no-link)
    endif()
  elseif(arg_FUZZER)
    message(FATAL_ERROR "${target}: a libFuzzer harness needs clang with libFuzzer")
  endif()
endfunction()
