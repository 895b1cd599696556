// The element-wise nonlinearities that the CPU and CUDA kernels both implement.
#pragma once

namespace recur {

enum class Activation { Sigmoid, Tanh, Relu };

}  // namespace recur
