# Finds OpenBLAS built against OpenMP and defines the imported target OpenBLAS::OpenBLAS.
#
# recur's own parallel loops use OpenMP; linking the OpenMP build of OpenBLAS makes both share one
# thread pool, so a process never runs more threads than it was given. Debian installs the
# variants side by side (openblas-openmp/, openblas-pthread/) under one soname, so the library's
# folder goes into the run path of everything that links it. Falls back to whichever OpenBLAS
# (BLA_VENDOR OpenBLAS) is found, with a warning.
find_library(OpenBLASOpenMP_LIBRARY NAMES openblas
  PATH_SUFFIXES openblas-openmp x86_64-linux-gnu/openblas-openmp aarch64-linux-gnu/openblas-openmp
  NO_CMAKE_SYSTEM_PATH NO_DEFAULT_PATH
  PATHS /usr/lib /usr/lib64 /usr/local/lib ${CMAKE_LIBRARY_ARCHITECTURE})
find_path(OpenBLASOpenMP_INCLUDE_DIR cblas.h
  PATH_SUFFIXES openblas-openmp ${CMAKE_LIBRARY_ARCHITECTURE}/openblas-openmp
  PATHS /usr/include /usr/local/include NO_DEFAULT_PATH)

set(OpenBLASOpenMP_THREADING "OpenMP")
if(NOT OpenBLASOpenMP_LIBRARY OR NOT OpenBLASOpenMP_INCLUDE_DIR)
  set(BLA_VENDOR OpenBLAS)
  find_package(BLAS QUIET)
  if(BLAS_FOUND)
    list(GET BLAS_LIBRARIES 0 OpenBLASOpenMP_LIBRARY)
    find_path(OpenBLASOpenMP_INCLUDE_DIR cblas.h PATH_SUFFIXES openblas)
    set(OpenBLASOpenMP_THREADING "unknown")
    message(WARNING "OpenMP build of OpenBLAS not found (Debian: libopenblas-openmp-dev); "
                    "using ${OpenBLASOpenMP_LIBRARY}. Its threads may compete with recur's.")
  endif()
endif()

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(OpenBLASOpenMP
  REQUIRED_VARS OpenBLASOpenMP_LIBRARY OpenBLASOpenMP_INCLUDE_DIR)

if(OpenBLASOpenMP_FOUND AND NOT TARGET OpenBLAS::OpenBLAS)
  add_library(OpenBLAS::OpenBLAS UNKNOWN IMPORTED)
  set_target_properties(OpenBLAS::OpenBLAS PROPERTIES
    IMPORTED_LOCATION "${OpenBLASOpenMP_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${OpenBLASOpenMP_INCLUDE_DIR}")
  get_filename_component(OpenBLASOpenMP_LIBRARY_DIR "${OpenBLASOpenMP_LIBRARY}" DIRECTORY)
  set(CMAKE_BUILD_RPATH ${CMAKE_BUILD_RPATH} ${OpenBLASOpenMP_LIBRARY_DIR})
  set(CMAKE_INSTALL_RPATH ${CMAKE_INSTALL_RPATH} ${OpenBLASOpenMP_LIBRARY_DIR})
endif()
