# Generates recur_version.cpp at build time, so the git hash in run directories and checkpoints is
# the one of the sources actually built (not of the last configure).
set(RECUR_VERSION_CPP ${CMAKE_BINARY_DIR}/generated/recur_version.cpp)
add_custom_target(recur_version_stamp
  COMMAND ${CMAKE_COMMAND} -DSOURCE_DIR=${CMAKE_SOURCE_DIR} -DOUTPUT=${RECUR_VERSION_CPP}
          -DVERSION=${PROJECT_VERSION} -P ${CMAKE_SOURCE_DIR}/cmake/WriteVersion.cmake
  BYPRODUCTS ${RECUR_VERSION_CPP}
  COMMENT "Stamping recur version")
