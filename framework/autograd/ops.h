// Every autodiff op. Each takes the tape first, runs forward at once, and records its backward.
#pragma once

#include "autograd/ops/attention.h"
#include "autograd/ops/dropout.h"
#include "autograd/ops/elementwise.h"
#include "autograd/ops/embedding.h"
#include "autograd/ops/layer_norm.h"
#include "autograd/ops/linear.h"
#include "autograd/ops/loss.h"
#include "autograd/ops/multi_head_attention.h"
#include "autograd/ops/negative_sampling.h"
#include "autograd/ops/reduce.h"
#include "autograd/ops/rnn.h"
#include "autograd/ops/shape.h"
#include "autograd/tape.h"
