// The negative-sampling loss of one candidate (word2vec's skip-gram, Mikolov et al. 2013), written
// once for the CPU loop and the CUDA kernels: slot 0 of a pair's candidates is the context word
// seen beside the centre (label 1), the others are drawn noise words (label 0).
#pragma once

#include <cmath>

#include "core/host_device.h"

namespace recur::kernels {

// log(1 + e^x) without overflow.
RECUR_HOST_DEVICE double softplus_of(double x) {
  return x > 0 ? x + log1p(exp(-x)) : log1p(exp(x));
}

// -log sigmoid(score) for the context word, -log sigmoid(-score) for a noise word.
RECUR_HOST_DEVICE double negative_sampling_term(double score, bool context) {
  return softplus_of(context ? -score : score);
}

// d term / d score = sigmoid(score) - label, from the saved sigmoid(score).
template <class T>
RECUR_HOST_DEVICE T negative_sampling_slope(T sigmoid, bool context) {
  return context ? sigmoid - T(1) : sigmoid;
}

}  // namespace recur::kernels
