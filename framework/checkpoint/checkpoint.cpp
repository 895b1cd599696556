#include "checkpoint/checkpoint.h"

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>

#include "checkpoint/h5.h"
#include "checkpoint/model_file.h"
#include "core/file_hash.h"
#include "core/json.h"
#include "core/log.h"

namespace recur {

namespace fs = std::filesystem;

namespace {

constexpr const char* kManifest = "manifest.json";
constexpr const char* kStateFile = "state.h5";
constexpr int64_t kFormatVersion = 1;

struct Range {
  int64_t begin = 0, end = 0;
};

// Rank r's part of the flat buffers: contiguous, aligned like the parameters.
Range rank_range(int64_t size, int rank, int world) {
  auto bound = [&](int r) {
    const int64_t raw = size * r / world;
    return std::min(size, (raw + ParameterStore::kAlignment - 1) / ParameterStore::kAlignment *
                              ParameterStore::kAlignment);
  };
  return {bound(rank), bound(rank + 1)};
}

std::string shard_name(int rank, int world) {
  char name[64];
  std::snprintf(name, sizeof(name), "shard-%05d-of-%05d.h5", rank, world);
  return name;
}

std::string done_name(int rank) {
  return concat("shard-", rank, ".done");
}

// Fault injection for the crash-safety tests: RECUR_CHECKPOINT_CRASH=point or point@rank kills
// this process with SIGKILL when the writer reaches that point (of the checkpoint of step
// RECUR_CHECKPOINT_CRASH_STEP, if set). Points: mid_shard, before_manifest, before_rename,
// after_rename.
void crash_point(const char* point, int rank, int64_t step) {
  const char* wanted = std::getenv("RECUR_CHECKPOINT_CRASH");
  if (wanted == nullptr) return;
  const char* at_step = std::getenv("RECUR_CHECKPOINT_CRASH_STEP");
  if (at_step != nullptr && std::strtoll(at_step, nullptr, 10) != step) return;
  const std::string w = wanted;
  if (w == point || w == concat(point, "@", rank)) std::raise(SIGKILL);
}

// Bytes of free space where `directory` lives.
int64_t free_bytes(const fs::path& directory) {
  std::error_code error;
  const fs::space_info space = fs::space(directory, error);
  return error ? INT64_MAX : static_cast<int64_t>(space.available);
}

void write_synced(const fs::path& path, const std::string& text) {
  {
    std::ofstream out(path);
    out << text;
    out.flush();
    RECUR_CHECK(out.good(), "cannot write ", path.string(), " (disk full?)");
  }
  sync_path(path.string());
}

// Size and hash of a finished file, as the manifest records them.
CheckpointManifest::File file_record(const fs::path& path) {
  return {path.filename().string(), static_cast<int64_t>(fs::file_size(path)),
          hex64(hash_file(path.string()))};
}

Json file_json(const CheckpointManifest::File& f) {
  return {{"name", f.name}, {"bytes", f.bytes}, {"hash", f.hash}};
}

// A manifest comes from elsewhere too (a copied run): the files it names must be plain names of
// files in its own folder, never a path that leads out of it.
CheckpointManifest::File file_of(const Json& f, const std::string& origin) {
  const auto name = json_get<std::string>(f, "name", origin);
  RECUR_CHECK(!name.empty() && name != "." && name != ".." && name.find('/') == std::string::npos &&
                  name.find('\0') == std::string::npos,
              origin, ": '", name, "' is not the name of a file in the checkpoint's folder");
  return {name, json_get<int64_t>(f, "bytes", origin), json_get<std::string>(f, "hash", origin)};
}

struct ParameterSlice {
  const Parameter* parameter;
  int64_t begin, end;  // elements of the parameter, flattened
};

std::vector<ParameterSlice> slices_in(const ParameterStore& params, const Range& r) {
  std::vector<ParameterSlice> out;
  for (const auto& p : params.parameters()) {
    const int64_t lo = std::max(r.begin, p->offset()),
                  hi = std::min(r.end, p->offset() + p->numel());
    if (lo < hi) out.push_back({p.get(), lo - p->offset(), hi - p->offset()});
  }
  return out;
}

void write_named(H5File& file, const std::string& group, const std::vector<std::string>& names,
                 const std::vector<std::string>& values) {
  file.write_strings(group + "/names", names);
  file.write_strings(group + "/values", values);
}

void write_state_file(const fs::path& path, const TrainingState& state) {
  H5File file = H5File::create(path.string());
  file.set_attribute("/", "format", std::string("recur-checkpoint-state"));
  file.set_attribute("/", "step", state.step);
  std::vector<std::string> names, values;
  for (const auto& [name, value] : state.scalars) {
    names.push_back(name);
    values.push_back(concat(std::hexfloat, value));  // exact
  }
  write_named(file, "/scalars", names, values);
  names.clear();
  values.clear();
  std::map<std::string, std::string> texts = identity_texts(state.identity);
  texts.insert(state.texts.begin(), state.texts.end());
  for (const auto& [name, value] : texts) {
    names.push_back(name);
    values.push_back(value);
  }
  write_named(file, "/texts", names, values);
  for (const auto& [name, tensor] : state.tensors)
    file.write_tensor("/tensors/" + name, tensor);
  file.write_strings("/vocab", state.identity.vocab);
  file.flush();
  file.close();
  sync_path(path.string());
}

Json manifest_json(const CheckpointManifest& m) {
  Json manifest{{"format", "recur-checkpoint"},
                {"format_version", kFormatVersion},
                {"step", m.step},
                {"world_size", m.world_size},
                {"recur_version", m.recur_version}};
  for (const auto& [name, value] : m.validation)
    manifest[name] = value;
  Json files = Json::array();
  for (const CheckpointManifest::File& f : m.files)
    files.push_back(file_json(f));
  manifest["files"] = files;
  return manifest;
}

}  // namespace

std::string checkpoint_name(int64_t step) {
  char name[32];
  std::snprintf(name, sizeof(name), "step-%08lld", static_cast<long long>(step));
  return name;
}

struct CheckpointWriter::Job {
  const ParameterStore* params = nullptr;
  Range range;
  CheckpointRequest request;  // its buffers cut to this rank's range
  fs::path temporary, final;
};

CheckpointWriter::CheckpointWriter(CheckpointOptions options) : options_(std::move(options)) {}

CheckpointWriter::~CheckpointWriter() {
  if (thread_.joinable()) thread_.join();
}

void CheckpointWriter::write(const ParameterStore& params, CheckpointRequest request) {
  wait();
  auto job = std::make_shared<Job>();
  job->params = &params;
  job->range = rank_range(params.size(), options_.rank, options_.world_size);
  const std::vector<FlatBuffer> buffers = std::move(request.buffers);
  const bool async = request.async;
  job->request = std::move(request);
  job->request.buffers.clear();
  const std::string name = checkpoint_name(job->request.state.step);
  job->final = fs::path(options_.directory) / name;
  job->temporary = fs::path(options_.directory) / concat(".tmp-", name, "-", options_.attempt);
  fs::create_directories(job->temporary);
  const int64_t needed = (job->range.end - job->range.begin) *
                         static_cast<int64_t>(buffers.size()) *
                         static_cast<int64_t>(dtype_size(params.values().dtype()));
  const int64_t available = free_bytes(job->temporary);
  if (needed > available) {
    fs::remove_all(job->temporary);
    fail("checkpoint ", name, ": not enough disk space in ", options_.directory,
         ": this rank's shard needs ", needed >> 20, " MB, ", available >> 20, " MB are free");
  }
  // Buffers on a GPU are copied to the host now: that copy is the snapshot training goes on from.
  const bool on_device = !params.device().is_cpu();
  for (const FlatBuffer& b : buffers) {
    const Tensor range = b.tensor.view(job->range.begin, {job->range.end - job->range.begin});
    job->request.buffers.push_back({b.name, on_device ? range.to(Device::cpu()) : range});
  }
  if (!async) {
    run(*job);
    return;
  }
  {
    std::lock_guard lock(mutex_);
    snapshot_ready_ = false;
  }
  thread_ = std::thread([this, job, on_device] {
    try {
      if (!on_device) {
        for (FlatBuffer& b : job->request.buffers)
          b.tensor = b.tensor.clone();  // the snapshot
      }
      {
        std::lock_guard lock(mutex_);
        snapshot_ready_ = true;
      }
      copied_.notify_all();
      run(*job);
    } catch (...) {
      std::lock_guard lock(mutex_);
      error_ = std::current_exception();
      snapshot_ready_ = true;
      copied_.notify_all();
    }
  });
}

double CheckpointWriter::snapshot_taken() {
  const auto start = std::chrono::steady_clock::now();
  std::unique_lock lock(mutex_);
  copied_.wait(lock, [&] { return snapshot_ready_; });
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

void CheckpointWriter::wait() {
  if (thread_.joinable()) thread_.join();
  check();
}

void CheckpointWriter::check() {
  std::lock_guard lock(mutex_);
  if (error_) std::rethrow_exception(std::exchange(error_, nullptr));
}

void CheckpointWriter::reach(const char* point, int64_t step) const {
  if (options_.at_point) options_.at_point(point);
  crash_point(point, options_.rank, step);
}

void CheckpointWriter::run(Job& job) {
  try {
    write_shard(job);
    if (options_.rank == 0) commit(job);
  } catch (...) {
    std::error_code ignored;
    fs::remove_all(job.temporary, ignored);  // give the space back; the last checkpoint stays
    throw;
  }
}

void CheckpointWriter::write_shard(const Job& job) {
  const std::string name = shard_name(options_.rank, options_.world_size);
  const fs::path path = job.temporary / name;
  {
    H5File file = H5File::create(path.string());
    file.set_attribute("/", "format", std::string("recur-checkpoint-shard"));
    file.set_attribute("/", "step", job.request.state.step);
    file.set_attribute("/", "rank", static_cast<int64_t>(options_.rank));
    file.set_attribute("/", "world_size", static_cast<int64_t>(options_.world_size));
    file.set_attribute("/", "range", std::vector<int64_t>{job.range.begin, job.range.end});
    const std::vector<ParameterSlice> slices = slices_in(*job.params, job.range);
    size_t written = 0;
    const size_t total = slices.size() * job.request.buffers.size();
    for (const FlatBuffer& buffer : job.request.buffers) {
      for (const ParameterSlice& s : slices) {
        const std::string dataset = "/" + buffer.name + "/" + s.parameter->path();
        const int64_t local = s.parameter->offset() + s.begin - job.range.begin;
        file.write_tensor(dataset, buffer.tensor.view(local, {s.end - s.begin}));
        file.set_attribute(dataset, "global_shape", s.parameter->shape().dims());
        file.set_attribute(dataset, "range", std::vector<int64_t>{s.begin, s.end});
        if (++written == total / 2) reach("mid_shard", job.request.state.step);
      }
    }
    file.flush();
    file.close();
  }
  sync_path(path.string());
  bytes_written_ += static_cast<int64_t>(fs::file_size(path));
  // Renamed into place: rank 0 waits for this name and must never see it half-written.
  const fs::path done = job.temporary / done_name(options_.rank);
  write_synced(done.string() + ".part", json_line(file_json(file_record(path))));
  fs::rename(done.string() + ".part", done);
}

void CheckpointWriter::commit(const Job& job) {
  write_state_file(job.temporary / kStateFile, job.request.state);
  CheckpointManifest manifest{job.request.state.step,
                              options_.world_size,
                              "",
                              job.request.validation,
                              {file_record(job.temporary / kStateFile)}};
  // The other ranks' shards: each announces its size and hash in a .done file when it is synced.
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::duration<double>(options_.wait_timeout_s);
  for (int r = 0; r < options_.world_size; ++r) {
    const fs::path done = job.temporary / done_name(r);
    while (!fs::exists(done)) {
      RECUR_CHECK(std::chrono::steady_clock::now() < deadline, "checkpoint ",
                  job.final.filename().string(), ": rank ", r, " did not write its shard within ",
                  options_.wait_timeout_s, " s");
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    manifest.files.push_back(file_of(read_json_file(done.string()), done.string()));
  }
  reach("before_manifest", job.request.state.step);
  manifest.recur_version = job.request.state.identity.recur_version;
  write_synced(job.temporary / kManifest, json_document(manifest_json(manifest)));
  for (int r = 0; r < options_.world_size; ++r)
    fs::remove(job.temporary / done_name(r));
  sync_path(job.temporary.string());
  reach("before_rename", job.request.state.step);
  if (fs::exists(job.final))
    fs::remove_all(job.final);  // the same step written again after a resume
  fs::rename(job.temporary, job.final);
  sync_path(options_.directory);
  reach("after_rename", job.request.state.step);
  if (job.request.keep_last > 0)
    remove_old_checkpoints(options_.directory, job.request.keep_last, job.request.keep_step);
}

std::vector<CheckpointRef> list_checkpoints(const std::string& directory) {
  std::vector<CheckpointRef> found;
  if (!fs::is_directory(directory)) return found;
  for (const auto& entry : fs::directory_iterator(directory)) {
    const std::string name = entry.path().filename().string();
    if (!entry.is_directory() || !name.starts_with("step-") ||
        !fs::exists(entry.path() / kManifest))
      continue;
    found.push_back({entry.path().string(), std::strtoll(name.c_str() + 5, nullptr, 10)});
  }
  std::sort(found.begin(), found.end(),
            [](const auto& a, const auto& b) { return a.step > b.step; });
  return found;
}

CheckpointManifest read_manifest(const std::string& path) {
  const fs::path file = fs::path(path) / kManifest;
  RECUR_CHECK(fs::exists(file), path, " is not a checkpoint: it has no ", kManifest);
  const std::string origin = file.string();
  const Json root = read_json_file(origin);
  RECUR_CHECK(root.is_object() && root.value("format", "") == "recur-checkpoint", origin,
              ": not a recur checkpoint manifest");
  const auto version = json_get<int64_t>(root, "format_version", origin);
  RECUR_CHECK(version == kFormatVersion, path, " has checkpoint format version ", version,
              "; this recur reads version ", kFormatVersion);
  CheckpointManifest m;
  m.step = json_get<int64_t>(root, "step", origin);
  m.world_size = json_get<int>(root, "world_size", origin);
  m.recur_version = json_get<std::string>(root, "recur_version", origin);
  for (const char* name : {"valid_loss", "valid_score"}) {
    if (root.contains(name)) m.validation[name] = json_get<double>(root, name, origin);
  }
  RECUR_CHECK(root.contains("files") && root["files"].is_array(), origin, ": no \"files\" list");
  for (const Json& f : root["files"])
    m.files.push_back(file_of(f, origin));
  return m;
}

namespace {

// What is wrong with a file of the checkpoint at `path` against its manifest entry ("" if
// nothing): it must be a regular file of the folder with the recorded size and hash.
std::string file_problem(const std::string& path, const CheckpointManifest::File& f) {
  const fs::path file = fs::path(path) / f.name;
  if (fs::is_symlink(file))
    return concat(f.name, " is a symbolic link: a checkpoint holds its own files");
  if (!fs::exists(file)) return concat(f.name, " is missing");
  if (!fs::is_regular_file(file)) return concat(f.name, " is not a regular file");
  const auto size = static_cast<int64_t>(fs::file_size(file));
  if (size != f.bytes)
    return concat(f.name, " has ", size, " bytes, the manifest says ", f.bytes, " (truncated?)");
  if (hex64(hash_file(file.string())) != f.hash)
    return concat(f.name, " does not match its hash (damaged)");
  return "";
}

// Opens a file of a checkpoint once it matches its manifest entry, so that a damaged or
// substituted file is named as such instead of reaching HDF5's parser (HDF5 1.10 can crash on
// damaged files). The hash guards against accidents, not against a forger who rewrites the
// manifest too: HDF5's parser is trusted with files that match.
H5File open_verified(const std::string& path, const CheckpointManifest::File& f) {
  const std::string problem = file_problem(path, f);
  RECUR_CHECK(problem.empty(), path, ": ", problem);
  return H5File::open((fs::path(path) / f.name).string());
}

}  // namespace

CheckpointCheck verify_checkpoint(const std::string& path, bool deep) {
  try {
    const CheckpointManifest m = read_manifest(path);
    for (const auto& f : m.files) {
      const std::string problem = file_problem(path, f);
      if (!problem.empty()) return {false, problem};
      if (!deep) continue;
      H5File h5 = H5File::open((fs::path(path) / f.name).string());
      for (const std::string& dataset : h5.datasets("/")) {
        if (h5.holds_strings("/" + dataset)) {
          h5.read_strings("/" + dataset);
        } else {
          h5.read_tensor("/" + dataset);
        }
      }
    }
  } catch (const Error& e) {
    return {false, e.what()};
  }
  return {};
}

TrainingState read_training_state(const std::string& path) {
  const CheckpointManifest m = read_manifest(path);
  const auto state_file = std::find_if(m.files.begin(), m.files.end(),
                                       [](const auto& f) { return f.name == kStateFile; });
  RECUR_CHECK(state_file != m.files.end(), path, ": the manifest lists no ", kStateFile);
  H5File file = open_verified(path, *state_file);
  TrainingState state;
  state.step = file.int_attribute("/", "step");
  const std::vector<std::string> scalar_names = file.read_strings("/scalars/names");
  const std::vector<std::string> scalar_values = file.read_strings("/scalars/values");
  const std::vector<std::string> text_names = file.read_strings("/texts/names");
  const std::vector<std::string> text_values = file.read_strings("/texts/values");
  RECUR_CHECK(
      scalar_names.size() == scalar_values.size() && text_names.size() == text_values.size(),
      file.path(), ": the state's names and values differ in number");
  for (size_t i = 0; i < scalar_names.size(); ++i) {
    state.scalars[scalar_names[i]] = std::strtod(scalar_values[i].c_str(), nullptr);
  }
  for (size_t i = 0; i < text_names.size(); ++i)
    state.texts[text_names[i]] = text_values[i];
  state.identity = take_identity(state.texts, file.read_strings("/vocab"));
  if (file.exists("/tensors")) {
    for (const std::string& name : file.datasets("/tensors"))
      state.tensors[name] = file.read_tensor("/tensors/" + name);
  }
  return state;
}

namespace {

// The slice a shard's dataset holds, checked against the parameter's shape: a checkpoint from
// elsewhere must not make recur write outside a buffer or allocate more than its files hold.
struct Slice {
  Shape shape;  // the whole parameter's
  int64_t begin = 0, end = 0;
  int64_t checkpoint_bytes = 0;  // of all the shards: the most reading them may allocate
};

Slice slice_of(const H5File& shard, const std::string& dataset, int64_t stored_bytes,
               const Tensor& data) {
  RECUR_CHECK(data.dtype() != DType::I32, shard.path(), ": ", dataset,
              " does not hold floating-point numbers");
  const std::vector<int64_t> dims = shard.int_array_attribute(dataset, "global_shape");
  const std::vector<int64_t> range = shard.int_array_attribute(dataset, "range");
  const int64_t most = stored_bytes / 4;  // elements: 4 bytes each at least
  int64_t numel = 1;
  for (int64_t d : dims) {
    RECUR_CHECK(d >= 0 && (d == 0 || numel <= most / d), shard.path(), ": ", dataset,
                " declares global shape of more elements than the checkpoint holds");
    numel *= d;
  }
  RECUR_CHECK(range.size() == 2 && range[0] >= 0 && range[0] <= range[1] && range[1] <= numel &&
                  range[1] - range[0] == data.numel(),
              shard.path(), ": ", dataset, " has a range that does not fit its global shape");
  return {Shape(dims), range[0], range[1], stored_bytes};
}

// The bytes of a checkpoint's shards, once each matches the manifest (size and hash). Only the
// shards: state.h5 is checked where it is opened (read_training_state), not hashed again here.
int64_t verified_shard_bytes(const std::string& path, const CheckpointManifest& m) {
  int64_t total = 0;
  for (const auto& f : m.files) {
    if (!f.name.starts_with("shard-")) continue;
    const std::string problem = file_problem(path, f);
    RECUR_CHECK(problem.empty(), path, ": ", problem);
    RECUR_CHECK(f.bytes <= INT64_MAX - total, path, ": the manifest's sizes do not add up");
    total += f.bytes;
  }
  return total;
}

// Calls visit(group, dataset path under it, slice, data) for every slice of every shard of a
// checkpoint, in each of `groups`, once every file matches the manifest.
template <class Visit>
void for_each_slice(const std::string& path, const std::vector<std::string>& groups, Visit visit) {
  const CheckpointManifest m = read_manifest(path);
  const int64_t stored_bytes = verified_shard_bytes(path, m);
  for (const auto& f : m.files) {
    if (!f.name.starts_with("shard-")) continue;
    const H5File shard = H5File::open((fs::path(path) / f.name).string());
    for (const std::string& group : groups) {
      if (!shard.exists(group)) continue;
      for (const std::string& name : shard.datasets(group)) {
        const std::string dataset = group + "/" + name;
        const Tensor data = shard.read_tensor(dataset);
        visit(group, name, slice_of(shard, dataset, stored_bytes, data), data);
      }
    }
  }
}

}  // namespace

void read_flat_buffers(const std::string& path, const ParameterStore& params,
                       std::vector<FlatBuffer>& buffers) {
  std::vector<std::string> groups;
  for (const FlatBuffer& buffer : buffers)
    groups.push_back("/" + buffer.name);
  std::map<std::string, std::map<std::string, int64_t>> covered;  // by group, then parameter
  for_each_slice(
      path, groups,
      [&](const std::string& group, const std::string& name, const Slice& slice,
          const Tensor& data) {
        const Parameter* p = params.find(name);
        RECUR_CHECK(p != nullptr, path, ": the checkpoint has a parameter ", name,
                    " that this model lacks");
        RECUR_CHECK(slice.shape == p->shape(), path, ": parameter ", name, " has shape ",
                    slice.shape.str(), " in the checkpoint, the model expects ", p->shape().str());
        const size_t b =
            static_cast<size_t>(std::find(groups.begin(), groups.end(), group) - groups.begin());
        Tensor target =
            buffers[b].tensor.view(p->offset() + slice.begin, {slice.end - slice.begin});
        target.copy_from(data);
        covered[group][name] += slice.end - slice.begin;
      });
  for (const FlatBuffer& buffer : buffers) {
    for (const auto& p : params.parameters()) {
      const int64_t done = covered["/" + buffer.name][p->path()];
      RECUR_CHECK(done == p->numel(), path, ": ", buffer.name, " of parameter ", p->path(), " is ",
                  done == 0 ? "missing" : "incomplete", " in the checkpoint");
    }
  }
}

std::map<std::string, Tensor> read_parameters(const std::string& path) {
  std::map<std::string, Tensor> params;
  int64_t allocated = 0;  // bytes, over all parameters
  for_each_slice(
      path, {"/params"},
      [&](const std::string&, const std::string& name, const Slice& slice, const Tensor& data) {
        auto [it, fresh] = params.try_emplace(name, Tensor());
        if (fresh) {
          allocated += slice.shape.numel() * static_cast<int64_t>(dtype_size(data.dtype()));
          RECUR_CHECK(allocated <= slice.checkpoint_bytes, path,
                      ": the parameters' global shapes add up to more than the checkpoint holds");
          it->second = Tensor::zeros(slice.shape, data.dtype());
        }
        RECUR_CHECK(it->second.shape() == slice.shape, path, ": parameter ", name,
                    " has two global shapes");
        Tensor target = it->second.view(slice.begin, {slice.end - slice.begin});
        target.copy_from(data);
      });
  return params;
}

bool is_checkpoint(const std::string& path) {
  return fs::is_directory(path) && fs::exists(fs::path(path) / kManifest);
}

void remove_old_checkpoints(const std::string& directory, int64_t keep_last, int64_t keep_step) {
  const std::vector<CheckpointRef> all = list_checkpoints(directory);
  for (size_t i = static_cast<size_t>(std::max<int64_t>(keep_last, 0)); i < all.size(); ++i) {
    if (all[i].step != keep_step) fs::remove_all(all[i].path);
  }
}

void remove_uncommitted(const std::string& directory) {
  if (!fs::is_directory(directory)) return;
  std::vector<fs::path> stale;
  for (const auto& entry : fs::directory_iterator(directory)) {
    if (entry.path().filename().string().starts_with(".tmp-")) stale.push_back(entry.path());
  }
  for (const fs::path& p : stale)
    fs::remove_all(p);
}

}  // namespace recur
