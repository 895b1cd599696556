#include "data/word_vectors.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <vector>

#include "core/error.h"

namespace recur {

namespace {

// "41203" -> "41,203"
std::string with_commas(int64_t n) {
  const std::string digits = std::to_string(n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::vector<std::string> split_spaces(const std::string& line) {
  std::vector<std::string> fields;
  std::istringstream in(line);
  for (std::string field; in >> field;)
    fields.push_back(field);
  return fields;
}

// A count of a word2vec header: digits only, short enough for int64.
bool is_count(const std::string& text) {
  return !text.empty() && text.size() < 19 &&
         text.find_first_not_of("0123456789") == std::string::npos;
}

double parse_value(const std::string& text, const std::string& where) {
  errno = 0;
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  RECUR_CHECK(end == text.c_str() + text.size() && errno == 0 && std::isfinite(value), where,
              ": \"", text, "\" is not a finite number");
  return value;
}

// One line of vectors: the word's row of `weight` gets the values when the vocabulary has it. The
// last dim fields are the values and the ones before them the word: a few words of GloVe's
// largest files contain spaces.
void read_vector_line(const std::vector<std::string>& fields, const std::string& where,
                      const Vocab& vocab, Tensor& weight, std::vector<bool>& seen,
                      WordVectorCoverage& coverage) {
  const int64_t dim = weight.dim(1), words = std::ssize(fields) - dim;
  RECUR_CHECK(words >= 1, where, ": ", std::ssize(fields) - 1, " values, expected ", dim,
              " (the model's embedding size)");
  std::string word = fields[0];
  for (int64_t i = 1; i < words; ++i)
    word += " " + fields[static_cast<size_t>(i)];
  std::vector<double> values;
  for (auto i = static_cast<size_t>(words); i < fields.size(); ++i)
    values.push_back(parse_value(fields[i], where));
  ++coverage.vectors;
  const int32_t id = vocab.id(word);
  if (id == Vocab::kUnk && word != vocab.token(Vocab::kUnk)) return;
  if (seen[static_cast<size_t>(id)]) return;
  seen[static_cast<size_t>(id)] = true;
  ++coverage.found;
  dispatch_float(weight.dtype(), [&]<class T>() {
    T* row = weight.data<T>() + id * dim;
    for (int64_t j = 0; j < dim; ++j)
      row[j] = static_cast<T>(values[static_cast<size_t>(j)]);
  });
}

}  // namespace

std::string WordVectorCoverage::str(const std::string& path, int64_t dim) const {
  return concat(with_commas(found), " of ", with_commas(vocabulary), " tokens found in ", path,
                " (", format, " text, ", dim, " dimensions, ", with_commas(vectors), " vectors)");
}

WordVectorCoverage read_word_vectors(const std::string& path, const Vocab& vocab, Tensor& weight) {
  RECUR_ASSERT(
      weight.device().is_cpu() && weight.shape().rank() == 2 && weight.dim(0) == vocab.size(),
      "read_word_vectors: weight ", weight.shape().str(), " for ", vocab.size(), " tokens");
  std::ifstream in(path);
  RECUR_CHECK(in.good(), path, ": cannot open the word vectors");
  WordVectorCoverage coverage{0, vocab.size(), 0, "GloVe"};
  std::vector<bool> seen(static_cast<size_t>(vocab.size()), false);
  int64_t announced = -1, line_number = 0;
  for (std::string line; std::getline(in, line);) {
    ++line_number;
    if (line_number == 1 && line.starts_with("\xEF\xBB\xBF")) line.erase(0, 3);  // UTF-8 BOM
    const std::string where = concat(path, ":", line_number);
    const std::vector<std::string> fields = split_spaces(line);
    if (fields.empty()) continue;
    const bool header =
        line_number == 1 && fields.size() == 2 && is_count(fields[0]) && is_count(fields[1]);
    // The file's dimension: the header's, or that of GloVe's first vector (a later line may have
    // more fields, for a word with spaces).
    const std::string dims = header ? fields[1] : std::to_string(fields.size() - 1);
    if (header || coverage.vectors == 0) {
      RECUR_CHECK(std::stoll(dims) == weight.dim(1), where, ": vectors of ", dims,
                  " dimensions; the model's embedding size is ", weight.dim(1));
    }
    if (header) {
      coverage.format = "word2vec";
      announced = std::stoll(fields[0]);
      continue;
    }
    read_vector_line(fields, where, vocab, weight, seen, coverage);
  }
  RECUR_CHECK(!in.bad(), path, ": read error");
  RECUR_CHECK(coverage.vectors > 0, path, ": no word vectors");
  RECUR_CHECK(announced < 0 || announced == coverage.vectors, path, ": the header announces ",
              announced, " vectors, the file has ", coverage.vectors);
  return coverage;
}

int64_t write_word_vectors(const std::string& path, const Vocab& vocab, const Tensor& weight) {
  RECUR_ASSERT(weight.shape().rank() == 2 && weight.dim(0) == vocab.size(),
               "write_word_vectors: weight ", weight.shape().str(), " for ", vocab.size(),
               " tokens");
  const Tensor host = weight.to(Device::cpu());
  const int64_t dim = host.dim(1);
  std::vector<int32_t> written;
  for (int32_t id = 0; id < vocab.size(); ++id) {
    const std::string& token = vocab.token(id);
    if (!token.empty() && split_spaces(token).size() == 1 && split_spaces(token)[0] == token)
      written.push_back(id);
  }
  std::ofstream out(path);
  out << written.size() << " " << dim << "\n";
  char number[32];
  for (int32_t id : written) {
    out << vocab.token(id);
    for (int64_t j = 0; j < dim; ++j) {
      std::snprintf(number, sizeof(number), " %.9g", host.item(id * dim + j));
      out << number;
    }
    out << "\n";
  }
  out.flush();
  RECUR_CHECK(out.good(), path, ": cannot write the word vectors");
  return vocab.size() - std::ssize(written);
}

}  // namespace recur
