# RECUR_CUDA=AUTO|ON|OFF. The CUDA backend itself arrives with the GPU issue; for now this decides
# whether the toolkit (cudart, cuBLAS, NCCL) is found and reports what was found. ON fails the
# configure step when the toolkit is missing; AUTO uses it when present.
string(TOUPPER "${RECUR_CUDA}" RECUR_CUDA)
if(NOT RECUR_CUDA MATCHES "^(AUTO|ON|OFF)$")
  message(FATAL_ERROR "RECUR_CUDA must be AUTO, ON or OFF (got '${RECUR_CUDA}')")
endif()
set(RECUR_WITH_CUDA OFF)
if(NOT RECUR_CUDA STREQUAL "OFF")
  if(RECUR_CUDA STREQUAL "ON")
    find_package(CUDAToolkit REQUIRED)
  else()
    find_package(CUDAToolkit QUIET)
  endif()
  if(CUDAToolkit_FOUND)
    set(RECUR_WITH_CUDA ON)
  endif()
endif()
message(STATUS "recur: CUDA toolkit ${RECUR_WITH_CUDA} (RECUR_CUDA=${RECUR_CUDA}); "
               "the CUDA backend is not implemented yet, every op runs on the CPU")
