// Text files read a line at a time, whole or in ranges of lines, so that several ranks can prepare
// disjoint parts of one corpus (docs/data-format.md).
#pragma once

#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

namespace recur {

// Lines [first_line, first_line + lines) of a text file, starting at byte `begin`.
struct LineRange {
  uint64_t begin = 0;
  int64_t first_line = 1;   // numbered from 1, for messages
  int64_t lines = -1;       // -1: to the end of the file
  bool after_empty = true;  // the line before is empty, or there is none (a document starts)

  bool whole() const { return begin == 0 && lines < 0; }
};

// `parts` ranges of whole lines, of as equal numbers of lines as can be, covering the file; the
// file's number of lines in `total`. Throws Error when the file cannot be read.
std::vector<LineRange> split_lines(const std::string& path, int parts, int64_t& total);

// The lines of a range of a text file, without their line breaks (nor a '\r' before them),
// checked for UTF-8. Throws Error naming the file and line.
class LineReader {
 public:
  explicit LineReader(std::string path, const LineRange& range = {});

  bool next(std::string& line);
  // Lines read so far, counted from the file's first line.
  int64_t line_number() const { return number_; }
  // Reads to the end of the file; returns its number of lines.
  int64_t count_all();

 private:
  std::string path_;
  std::ifstream in_;
  int64_t number_;
  int64_t left_;  // lines of the range still to read; -1: to the end
};

}  // namespace recur
