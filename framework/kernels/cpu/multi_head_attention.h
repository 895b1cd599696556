// Scaled dot-product attention of several heads at once (Vaswani et al.), for every query of a
// batch of sequences:
//
//   for each sequence b and head h (columns h*Dk..(h+1)*Dk of q and k, h*Dv..(h+1)*Dv of v):
//     score[i,j] = <q[b,i,h], k[b,j,h]> / sqrt(Dk)
//     probs[b,h,i,:] = softmax over the visible keys j: j < key_lengths[b] (padding), and, when
//                      causal, j <= i + Tk - Tq (queries are the last Tq of Tk positions, so a
//                      decoder step with a key/value cache sees itself and everything before)
//     out[b,i,h] = sum_j probs[b,h,i,j] v[b,j,h]
//
// Heads stay interleaved in the feature dimension, so q, k, v and out are plain (B, T, H*D)
// activations of linear layers and each head's matrices are strided views fed to GEMM.
// q (B, Tq, H*Dk), k (B, Tk, H*Dk), v (B, Tk, H*Dv), out (B, Tq, H*Dv), probs (B, H, Tq, Tk).
#pragma once

#include <cstdint>

#include "kernels/kernel_types.h"

namespace recur::cpu {

template <class T>
void multi_head_attention_forward(const MultiHeadDims& d, const T* q, const T* k, const T* v,
                                  const int32_t* key_lengths, T* probs, T* out);

// Adds the gradients for dout to dq, dk and dv (any may be null).
template <class T>
void multi_head_attention_backward(const MultiHeadDims& d, const T* q, const T* k, const T* v,
                                   const T* probs, const T* dout, T* dq, T* dk, T* dv);

}  // namespace recur::cpu
