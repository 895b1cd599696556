# RECUR_CUDA=AUTO|ON|OFF: build the CUDA backend (kernels, cuBLAS, the device allocator, NCCL).
# ON fails the configure step when the toolkit or NCCL is missing; AUTO builds the backend when
# both are present. Without a GPU the backend still compiles and links; at run time it reports
# that no device is available and tests that need one skip.
#
# Defines RECUR_WITH_CUDA (ON/OFF) and, when ON, the CUDA language (sm_90 code plus compute_90 PTX
# unless CMAKE_CUDA_ARCHITECTURES says otherwise).
string(TOUPPER "${RECUR_CUDA}" RECUR_CUDA)
if(NOT RECUR_CUDA MATCHES "^(AUTO|ON|OFF)$")
  message(FATAL_ERROR "RECUR_CUDA must be AUTO, ON or OFF (got '${RECUR_CUDA}')")
endif()
set(RECUR_WITH_CUDA OFF)
if(NOT RECUR_CUDA STREQUAL "OFF")
  if(RECUR_CUDA STREQUAL "ON")
    find_package(CUDAToolkit REQUIRED)
    find_package(NCCL REQUIRED)
  else()
    find_package(CUDAToolkit QUIET)
    if(CUDAToolkit_FOUND)
      find_package(NCCL QUIET)
    endif()
  endif()
  if(CUDAToolkit_FOUND AND NCCL_FOUND)
    set(RECUR_WITH_CUDA ON)
  endif()
endif()

if(RECUR_WITH_CUDA)
  if(NOT CMAKE_CUDA_COMPILER AND CUDAToolkit_NVCC_EXECUTABLE)
    set(CMAKE_CUDA_COMPILER "${CUDAToolkit_NVCC_EXECUTABLE}")
  endif()
  if(NOT DEFINED CMAKE_CUDA_ARCHITECTURES)
    set(CMAKE_CUDA_ARCHITECTURES 90-real 90-virtual)
  endif()
  enable_language(CUDA)
  # The kernels share the framework's C++20 headers. CMake 3.25 knows nvcc's standard flags only
  # up to C++17, so C++20's is named here.
  if(NOT DEFINED CMAKE_CUDA20_STANDARD_COMPILE_OPTION)
    set(CMAKE_CUDA20_STANDARD_COMPILE_OPTION "-std=c++20")
    set(CMAKE_CUDA20_EXTENSION_COMPILE_OPTION "-std=c++20")
  endif()
  set(CMAKE_CUDA_STANDARD 20)
  set(CMAKE_CUDA_STANDARD_REQUIRED ON)
  message(STATUS "recur: CUDA backend ON (toolkit ${CUDAToolkit_VERSION}, NCCL ${NCCL_VERSION}, "
                 "architectures ${CMAKE_CUDA_ARCHITECTURES})")
else()
  message(STATUS "recur: CUDA backend OFF (RECUR_CUDA=${RECUR_CUDA}); every op runs on the CPU")
endif()
