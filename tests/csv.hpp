// Reading CSV files in tests: all-numeric tables (reference data) and tables with a header and
// text fields (mdgpu's result files; "quoted, fields" allowed).
#pragma once

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace mdgpu::testing {

// Rows of numbers after the header line.
inline std::vector<std::vector<double>> read_csv(const std::string& path) {
  std::ifstream in(path);
  EXPECT_TRUE(in) << path;
  std::string line;
  std::getline(in, line);  // header
  std::vector<std::vector<double>> rows;
  while (std::getline(in, line)) {
    std::vector<double> row;
    std::stringstream ss(line);
    std::string cell;
    while (std::getline(ss, cell, ',')) row.push_back(std::stod(cell));
    rows.push_back(row);
  }
  return rows;
}

struct CsvTable {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;

  std::size_t column(const std::string& name) const {
    for (std::size_t c = 0; c < header.size(); ++c)
      if (header[c] == name) return c;
    ADD_FAILURE() << "no column " << name;
    return 0;
  }
  double number(std::size_t row, const std::string& name) const {
    return std::stod(rows.at(row).at(column(name)));
  }
  const std::string& text(std::size_t row, const std::string& name) const {
    return rows.at(row).at(column(name));
  }
  // The first row whose `key` column holds `value` in each of the pairs given.
  std::size_t find(const std::vector<std::pair<std::string, std::string>>& keys) const {
    for (std::size_t r = 0; r < rows.size(); ++r) {
      bool all = true;
      for (const auto& [name, value] : keys) all = all && text(r, name) == value;
      if (all) return r;
    }
    ADD_FAILURE() << "no matching row";
    return 0;
  }
};

inline std::vector<std::string> split_csv_line(const std::string& line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (c == '"' && quoted && i + 1 < line.size() && line[i + 1] == '"')
      fields.back() += '"', ++i;
    else if (c == '"')
      quoted = !quoted;
    else if (c == ',' && !quoted)
      fields.emplace_back();
    else
      fields.back() += c;
  }
  return fields;
}

inline CsvTable read_csv_table(const std::string& path) {
  std::ifstream in(path);
  EXPECT_TRUE(in) << path;
  CsvTable t;
  std::string line;
  if (std::getline(in, line)) t.header = split_csv_line(line);
  while (std::getline(in, line)) {
    t.rows.push_back(split_csv_line(line));
    EXPECT_EQ(t.rows.back().size(), t.header.size()) << path << ": " << line;
  }
  return t;
}

}  // namespace mdgpu::testing
