# The cuda backend's kernels (src/kernels/cuda/*.cu) as one static library, keras_cuda_kernels,
# that the library links privately (KERAS_PRIVATE_DEPS); its host code calls into the library's
# op table. Architectures: sm_80 and sm_90 machine code plus compute_90 PTX for newer GPUs.
# Sets KERAS_CUDA to ON when nvcc, the toolkit (cudart, cuBLASLt) and cuDNN 9 are found; with
# KERAS_WITH_CUDA=ON their absence is an error, with AUTO a message.
include_guard(GLOBAL)

include(CheckLanguage)
# nvcc from the PATH or the toolkit's usual place (its /etc/profile.d script, which puts it on
# the PATH, runs only in login shells).
if(NOT CMAKE_CUDA_COMPILER AND NOT DEFINED ENV{CUDACXX})
  find_program(KERAS_NVCC nvcc HINTS $ENV{CUDA_HOME}/bin /usr/local/cuda/bin DOC "CUDA's nvcc")
  if(KERAS_NVCC)
    set(CMAKE_CUDA_COMPILER ${KERAS_NVCC})
  endif()
endif()
if(NOT CMAKE_CUDA_COMPILER)
  check_language(CUDA)
endif()
set(keras_cuda_missing "")
if(CMAKE_CUDA_COMPILER)
  find_package(CUDAToolkit QUIET)
  if(NOT CUDAToolkit_FOUND)
    set(keras_cuda_missing "the CUDA toolkit's libraries (cudart, cuBLASLt)")
  endif()
else()
  set(keras_cuda_missing "nvcc (put the CUDA toolkit's bin/ on the PATH or set CMAKE_CUDA_COMPILER)")
endif()
if(NOT keras_cuda_missing)
  find_path(KERAS_CUDNN_INCLUDE_DIR cudnn.h HINTS ${CUDAToolkit_INCLUDE_DIRS}
            DOC "cuDNN 9's headers")
  find_library(KERAS_CUDNN_LIBRARY cudnn HINTS ${CUDAToolkit_LIBRARY_DIR} DOC "cuDNN 9's library")
  if(NOT KERAS_CUDNN_INCLUDE_DIR OR NOT KERAS_CUDNN_LIBRARY)
    set(keras_cuda_missing "cuDNN 9 (cudnn.h and libcudnn)")
  endif()
endif()
if(keras_cuda_missing)
  if(KERAS_WITH_CUDA STREQUAL "ON")
    message(FATAL_ERROR "KERAS_WITH_CUDA is ON but ${keras_cuda_missing} was not found; install "
                        "the CUDA toolkit and cuDNN 9, or configure with -DKERAS_WITH_CUDA=OFF.")
  endif()
  message(STATUS "keras.cpp: the cuda backend is not built: ${keras_cuda_missing} not found.")
  return()
endif()

if(NOT CMAKE_CUDA_ARCHITECTURES)
  set(CMAKE_CUDA_ARCHITECTURES 80-real 90)  # 90: sm_90 code and compute_90 PTX
endif()
enable_language(CUDA)
# CMake 3.25 (Debian 12) knows nvcc's dialects up to C++17; nvcc 12 and newer take -std=c++20.
if(NOT CMAKE_CUDA20_STANDARD_COMPILE_OPTION)
  set(CMAKE_CUDA20_STANDARD_COMPILE_OPTION "-std=c++20")
  set(CMAKE_CUDA20_EXTENSION_COMPILE_OPTION "-std=c++20")
endif()

add_library(keras_cudnn INTERFACE)
target_include_directories(keras_cudnn INTERFACE ${KERAS_CUDNN_INCLUDE_DIR})
target_link_libraries(keras_cudnn INTERFACE ${KERAS_CUDNN_LIBRARY})

file(GLOB KERAS_CUDA_SOURCES CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/src/kernels/cuda/*.cu)
add_library(keras_cuda_kernels STATIC ${KERAS_CUDA_SOURCES})
set_target_properties(keras_cuda_kernels PROPERTIES POSITION_INDEPENDENT_CODE ON)
target_include_directories(keras_cuda_kernels PRIVATE ${PROJECT_SOURCE_DIR}/include
                                                      ${PROJECT_SOURCE_DIR}/src)
target_link_libraries(keras_cuda_kernels PRIVATE CUDA::cudart CUDA::cublasLt keras_cudnn)
set_target_properties(keras_cuda_kernels PROPERTIES CUDA_STANDARD 20 CUDA_STANDARD_REQUIRED ON)
# The relaxed constexpr rule lets device code call libstdc++'s constexpr std:: math
# (kernels/elementwise_math.h).
target_compile_options(keras_cuda_kernels PRIVATE
  $<$<COMPILE_LANGUAGE:CUDA>:--expt-relaxed-constexpr -Xcompiler=-Wall,-Wextra>)
if(KERAS_WARNINGS_AS_ERRORS)
  target_compile_options(keras_cuda_kernels PRIVATE $<$<COMPILE_LANGUAGE:CUDA>:-Werror=all-warnings>)
endif()
set(KERAS_CUDA ON)
