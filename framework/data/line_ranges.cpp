#include "data/line_ranges.h"

#include <cstdio>
#include <cstring>
#include <memory>

#include "core/error.h"
#include "data/tokenizer.h"

namespace recur {

namespace {

// Calls visit(line_number, begin_byte, empty) for every line of the file, reading it in blocks.
template <typename Visit>
void each_line_start(const std::string& path, Visit visit) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"), std::fclose);
  RECUR_CHECK(file != nullptr, "cannot read data file '", path, "': no such file or not readable");
  std::vector<char> block(1 << 20);
  uint64_t offset = 0, line_begin = 0, line_bytes = 0;  // of the line being read
  int64_t number = 1;
  bool carriage_return_last = false;  // the line read so far ends with '\r'
  size_t n = 0;
  while ((n = std::fread(block.data(), 1, block.size(), file.get())) > 0) {
    for (size_t i = 0; i < n;) {
      const void* found = std::memchr(block.data() + i, '\n', n - i);
      const size_t end =
          found ? static_cast<size_t>(static_cast<const char*>(found) - block.data()) : n;
      if (end > i) carriage_return_last = block[end - 1] == '\r';
      line_bytes += end - i;
      if (found == nullptr) break;
      // An empty line: nothing, or only the '\r' of a CRLF line break.
      visit(number, line_begin, line_bytes == 0 || (line_bytes == 1 && carriage_return_last));
      ++number;
      line_begin = offset + end + 1;
      line_bytes = 0;
      carriage_return_last = false;
      i = end + 1;
    }
    offset += n;
  }
  RECUR_CHECK(!std::ferror(file.get()), "error reading data file '", path, "'");
  if (line_bytes > 0) visit(number, line_begin, line_bytes == 1 && carriage_return_last);
}

}  // namespace

std::vector<LineRange> split_lines(const std::string& path, int parts, int64_t& total) {
  total = 0;
  each_line_start(path, [&](int64_t number, uint64_t, bool) { total = number; });
  std::vector<LineRange> ranges(static_cast<size_t>(parts));
  for (int p = 0; p < parts; ++p) {
    ranges[static_cast<size_t>(p)].first_line = total * p / parts + 1;
    ranges[static_cast<size_t>(p)].lines = total * (p + 1) / parts - total * p / parts;
  }
  // Where each range's first line starts, and whether the line before it is empty.
  size_t next = 0;
  bool previous_empty = true;
  each_line_start(path, [&](int64_t number, uint64_t begin, bool empty) {
    while (next < ranges.size() && ranges[next].first_line == number) {
      ranges[next].begin = begin;
      ranges[next].after_empty = previous_empty;
      ++next;
    }
    previous_empty = empty;
  });
  return ranges;
}

LineReader::LineReader(std::string path, const LineRange& range)
    : path_(std::move(path)),
      in_(path_, std::ios::binary),
      number_(range.first_line - 1),
      left_(range.lines) {
  RECUR_CHECK(in_, "cannot read data file '", path_, "': no such file or not readable");
  in_.seekg(static_cast<std::streamoff>(range.begin));
}

bool LineReader::next(std::string& line) {
  if (left_ == 0 || !std::getline(in_, line)) {
    RECUR_CHECK(!in_.bad(), "error reading data file '", path_, "'");
    return false;
  }
  if (left_ > 0) --left_;
  ++number_;
  if (!line.empty() && line.back() == '\r') line.pop_back();
  try {
    utf8_length(line);
  } catch (const Error& e) {
    fail(path_, ":", number_, ": ", e.what());
  }
  return true;
}

int64_t LineReader::count_all() {
  std::string line;
  left_ = -1;
  while (next(line)) {
  }
  return number_;
}

}  // namespace recur
