// The communicator of a test binary run under mpirun (see mpi_main.cpp).
#pragma once

#include "dist/communicator.h"

namespace recur::test {
Communicator& comm();
}  // namespace recur::test
