# RECUR_SANITIZE=address,undefined | thread: build with the compiler's sanitizers (clang or gcc).
# A report ends the program with a failure (-fno-sanitize-recover=all), so a finding fails its test.
# Sanitized builds are CPU-only: nvcc does not take the flags and the GPU runtime is not checked.
set(RECUR_SANITIZE "" CACHE STRING "Sanitizers: address,undefined or thread (empty: none)")
if(RECUR_SANITIZE)
  if(NOT RECUR_SANITIZE MATCHES "^(address,undefined|undefined,address|address|undefined|thread)$")
    message(FATAL_ERROR "RECUR_SANITIZE must be address,undefined or thread (got '${RECUR_SANITIZE}')")
  endif()
  if(RECUR_WITH_CUDA)
    message(FATAL_ERROR "RECUR_SANITIZE needs -DRECUR_CUDA=OFF: nvcc cannot build sanitized code")
  endif()
  set(RECUR_SANITIZE_FLAGS -fsanitize=${RECUR_SANITIZE} -fno-sanitize-recover=all
                           -fno-omit-frame-pointer)
  add_compile_options("$<$<COMPILE_LANGUAGE:C,CXX>:${RECUR_SANITIZE_FLAGS}>")
  add_link_options(-fsanitize=${RECUR_SANITIZE})
  # Sanitized builds run at -O1, where clang does not vectorise and would warn at every `omp simd`.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    add_compile_options($<$<COMPILE_LANGUAGE:CXX>:-Wno-pass-failed>)
  endif()
endif()

# The runtimes' settings and suppressions go into every target defined after this point.
if(RECUR_SANITIZE)
  add_library(recur_sanitizer_options OBJECT ${CMAKE_SOURCE_DIR}/tests/sanitize/options.cpp)
  link_libraries(recur_sanitizer_options)
endif()

# RECUR_FUZZ: the libFuzzer targets of tests/fuzz, in the clang ASan + UBSan build. All code is
# built with libFuzzer's coverage instrumentation, so the fuzzers see into the readers they call.
option(RECUR_FUZZ "Build the libFuzzer targets (clang, with RECUR_SANITIZE=address,undefined)" OFF)
if(RECUR_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang" OR NOT RECUR_SANITIZE MATCHES "address")
    message(FATAL_ERROR "RECUR_FUZZ needs clang and RECUR_SANITIZE=address,undefined")
  endif()
  add_compile_options("$<$<COMPILE_LANGUAGE:C,CXX>:-fsanitize=fuzzer-no-link>")
endif()
