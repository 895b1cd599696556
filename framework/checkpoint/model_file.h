// The trained-model file: one HDF5 file with a dataset per parameter path under /params (PyTorch's
// layouts, see docs/checkpoint-format.md), plus what is needed to use the model on its own: the
// run's identity (resolved config, vocabularies, recur's version) and the step.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "checkpoint/run_identity.h"
#include "nn/parameters.h"

namespace recur {

struct ModelFileInfo {
  RunIdentity identity;
  int64_t step = 0;
};

// Writes to a temporary file next to `path`, syncs it, then renames it over `path`: readers see
// the old file or the new one, never a partial one.
void save_model_file(const std::string& path, ParameterStore& params, const ModelFileInfo& info);
ModelFileInfo read_model_file_info(const std::string& path);
// Every parameter of a model file as a whole tensor, by path.
std::map<std::string, Tensor> read_model_parameters(const std::string& path);
// Copies `source` (parameters by path, read from `origin`) into the store: it must hold exactly
// the store's parameters with their shapes (an Error names the first mismatch).
void assign_parameters(const std::map<std::string, Tensor>& source, ParameterStore& params,
                       const std::string& origin);
// Loads every parameter of `params` from a model file (read_model_parameters + assign_parameters).
void load_model_parameters(const std::string& path, ParameterStore& params);

// fsync of a file or directory, so a rename after it is durable.
void sync_path(const std::string& path);

}  // namespace recur
