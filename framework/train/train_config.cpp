#include "train/train_config.h"

namespace recur {

void TrainingConfig::describe(ConfigVisitor& v) {
  v.field("seed", seed, "seed of every random draw (initialisation, dropout, data order)",
          Bounds::non_negative());
  v.count_or_auto("threads", threads,
                  "threads per process; auto = cores of the node / processes on the node");
  v.field("batch_size", batch_size,
          "language models: global batch in parallel streams; skipgram: centre words per step "
          "(one from each of as many streams over the text); dmn: questions per step; summed "
          "over all ranks",
          Bounds::at_least(1));
  v.field("batch_tokens", batch_tokens,
          "seq2seq: global batch in padded tokens (sentence pairs of similar length are batched "
          "together), summed over all ranks",
          Bounds::at_least(1));
  v.field("accumulate", accumulate,
          "micro-batches per step: each rank runs its part of the batch in this many pieces, "
          "summing gradients, and communicates once (the batch must divide by ranks x accumulate)",
          Bounds::at_least(1));
  v.field("bptt", bptt, "truncated-BPTT window length in steps", Bounds::at_least(1));
  v.field("variable_bptt", variable_bptt,
          "vary the window length as AWD-LSTM (bptt, or bptt/2 with p=0.05, plus N(0, 5) steps), "
          "scaling the learning rate by length/bptt");
  v.field("max_steps", max_steps, "stop after this many optimiser steps (0: no limit)",
          Bounds::non_negative());
  v.field("max_epochs", max_epochs,
          "stop after this many passes over the training data (0: no limit)",
          Bounds::non_negative());
  v.field("max_minutes", max_minutes, "stop after this much wall-clock time (0: no limit)",
          Bounds::non_negative());
  v.field("clip_norm", clip_norm, "clip the global gradient norm to this (0: no clipping)",
          Bounds::non_negative());
  v.field("device", device,
          "cpu; cuda: each rank on a GPU of its own, by its rank on the node; cuda:N: GPU N "
          "(the command line's --device overrides it)");
  v.choice("precision", precision,
           {{"fp32", MatmulPrecision::Fp32},
            {"tf32", MatmulPrecision::Tf32},
            {"bf16", MatmulPrecision::Bf16}},
           "matrix-product inputs: fp32 as they are; tf32 or bf16 rounded to TF32 or bfloat16 "
           "(tensor cores on a GPU, emulated on the CPU), accumulated in f32; weights, optimiser "
           "state, losses and the gradient all-reduce stay f32");
  v.choice("nonfinite", nonfinite, {{"stop", NonFinite::Stop}, {"skip", NonFinite::Skip}},
           "a step whose loss or gradient norm is not finite on some rank: stop ends training "
           "with an error; skip drops its update (its batch is used up, parameters, optimiser "
           "state and schedule position stay), logs and counts it, at the cost of reading the "
           "loss and gradient norm on the host every step");
  v.field("max_skipped", max_skipped,
          "skip: end training with an error after this many consecutive skipped steps",
          Bounds::at_least(1));
}

void TrainingConfig::check(ConfigChecker& c) const {
  c.require(Device::try_parse(device).has_value(), "training.device",
            "must be cpu, cuda or cuda:N, not '" + device + "'");
}

void OptimizerConfig::describe(ConfigVisitor& v) {
  v.choice(
      "type", type,
      {{"sgd", OptimizerType::Sgd}, {"adam", OptimizerType::Adam}, {"adamw", OptimizerType::AdamW}},
      "optimiser");
  v.field("lr", lr, "peak learning rate", Bounds::positive());
  v.field("momentum", momentum, "sgd: momentum", Bounds::closed(0, 1));
  v.field("nesterov", nesterov, "sgd: Nesterov momentum");
  v.field("betas", betas, "adam, adamw: [beta1, beta2]", Bounds::probability());
  v.field("eps", eps, "adam, adamw: denominator epsilon", Bounds::positive());
  v.field("weight_decay", weight_decay, "L2 penalty (sgd, adam) or decoupled weight decay (adamw)",
          Bounds::non_negative());
}

void OptimizerConfig::check(ConfigChecker& c) const {
  c.require(betas.size() == 2, "optimizer.betas", "needs exactly two values [beta1, beta2]");
  c.require(type == OptimizerType::Sgd || momentum == 0.0, "optimizer.momentum",
            "applies to type sgd only");
  c.require(type == OptimizerType::Sgd || !nesterov, "optimizer.nesterov",
            "applies to type sgd only");
  c.require(!nesterov || momentum > 0.0, "optimizer.nesterov", "needs optimizer.momentum > 0");
}

void ScheduleConfig::describe(ConfigVisitor& v) {
  v.choice("type", type,
           {{"constant", ScheduleType::Constant},
            {"step", ScheduleType::StepDecay},
            {"plateau", ScheduleType::Plateau},
            {"inverse_sqrt", ScheduleType::InverseSqrt},
            {"cosine", ScheduleType::Cosine}},
           "constant; step: x decay_factor every decay_steps; plateau: x decay_factor when "
           "validation loss stops improving; inverse_sqrt: lr * sqrt(warmup/step) after warm-up; "
           "cosine: down to min_lr at training.max_steps");
  v.field("warmup_steps", warmup_steps, "linear warm-up over this many steps (all types)",
          Bounds::non_negative());
  v.field("decay_factor", decay_factor, "step, plateau: multiply the learning rate by this",
          Bounds{0.0, 1.0, true, false});
  v.field("decay_steps", decay_steps, "step: decay every this many steps", Bounds::at_least(1));
  v.field("patience", patience, "plateau: validations without improvement before decaying",
          Bounds::non_negative());
  v.field("min_lr", min_lr, "plateau: lowest learning rate; cosine: final learning rate",
          Bounds::non_negative());
}

ScheduleSpec ScheduleConfig::spec(double lr, int64_t max_steps) const {
  return {type, lr, warmup_steps, decay_factor, decay_steps, patience, min_lr, max_steps};
}

void ValidationConfig::describe(ConfigVisitor& v) {
  v.field("every_steps", every_steps, "validate every this many steps (0: only at the end)",
          Bounds::non_negative());
  v.field("batch_size", batch_size,
          "language models: parallel streams for stateful evaluation; dmn: questions per batch",
          Bounds::at_least(1));
  v.field("bptt", bptt, "evaluation window length (0: training.bptt)", Bounds::non_negative());
  v.field("patience", patience,
          "stop early after this many validations without improvement (0: never)",
          Bounds::non_negative());
  v.field(
      "bleu", bleu,
      "seq2seq: also translate the validation set (greedy) and score BLEU, which then decides the "
      "best model, early stopping and checkpoint.keep_best_by");
  v.field("bleu_sentences", bleu_sentences,
          "seq2seq: translate at most this many validation sentences for BLEU (0: all)",
          Bounds::non_negative());
}

void DistributedConfig::describe(ConfigVisitor& v) {
  v.field("bucket_mb", bucket_mb,
          "gradients are all-reduced in buckets of about this many MB, each as soon as its "
          "gradients are final",
          Bounds::positive());
  v.field("collective_timeout_s", collective_timeout_s,
          "a collective that does not finish within this many seconds names the ranks that do not "
          "respond and aborts the job",
          Bounds::positive());
  v.choice("shared_gpu", shared_gpu,
           {{"fail", SharedGpuPolicy::Fail}, {"stage", SharedGpuPolicy::Stage}},
           "when ranks share a GPU (which NCCL refuses): fail with a message naming them, or stage "
           "the gradients through host memory and MPI");
}

void CheckpointConfig::describe(ConfigVisitor& v) {
  v.field("every_steps", every_steps, "write a checkpoint every this many steps (0: not by steps)",
          Bounds::non_negative());
  v.field("every_minutes", every_minutes,
          "write a checkpoint every this many minutes (0: not by time)", Bounds::non_negative());
  v.field("keep_last", keep_last, "keep this many newest checkpoints (0: all)",
          Bounds::non_negative());
  v.choice(
      "keep_best_by", keep_best_by,
      {{"none", KeepBest::None},
       {"valid_loss", KeepBest::ValidLoss},
       {"valid_score", KeepBest::ValidScore}},
      "also keep the checkpoint with the lowest validation loss or the highest validation score "
      "(seq2seq: BLEU); counts checkpoints written at validation steps");
  v.field("async", async,
          "copy the state to host memory and write it in the background while training goes on");
}

void LoggingConfig::describe(ConfigVisitor& v) {
  v.field("every_steps", every_steps, "print a progress line every this many steps",
          Bounds::at_least(1));
}

}  // namespace recur
