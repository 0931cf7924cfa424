#include "dataset_manifest.h"

#include <fstream>

#include "core/atomic_file.h"
#include "core/error.h"

namespace emergence {
namespace {

constexpr const char* kHeader = "file,codepoints,name,class";

std::string quoted(const std::string& field) {
  if (field.find_first_of(",\"\n") == std::string::npos) {
    return field;
  }
  std::string out = "\"";
  for (const char c : field) {
    out += c;
    if (c == '"') {
      out += '"';
    }
  }
  return out + "\"";
}

std::vector<std::string> split_csv_line(const std::string& line, const std::string& where) {
  std::vector<std::string> fields(1);
  bool in_quotes = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (in_quotes) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        fields.back() += '"';
        ++i;
      } else if (c == '"') {
        in_quotes = false;
      } else {
        fields.back() += c;
      }
    } else if (c == '"') {
      in_quotes = true;
    } else if (c == ',') {
      fields.emplace_back();
    } else if (c != '\r') {
      fields.back() += c;
    }
  }
  if (in_quotes) {
    throw Error(where + ": unterminated quoted field");
  }
  return fields;
}

}  // namespace

void write_manifest(const std::string& path, const std::vector<ManifestRow>& rows) {
  std::string text = std::string(kHeader) + "\n";
  for (const ManifestRow& row : rows) {
    text += quoted(row.file) + ',' + quoted(row.codepoints) + ',' + quoted(row.name) + ',' +
            quoted(row.class_name) + "\n";
  }
  write_file_atomically(path, text);
}

std::vector<ManifestRow> read_manifest(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw Error("cannot read " + path);
  }
  std::string line;
  if (!std::getline(in, line) ||
      split_csv_line(line, path + " line 1") !=
          std::vector<std::string>{"file", "codepoints", "name", "class"}) {
    throw Error(path + " line 1: expected the header '" + kHeader + "'");
  }
  std::vector<ManifestRow> rows;
  int line_number = 1;
  while (std::getline(in, line)) {
    ++line_number;
    if (line.empty() || line == "\r") {
      continue;
    }
    const std::string where = path + " line " + std::to_string(line_number);
    const auto fields = split_csv_line(line, where);
    if (fields.size() != 4) {
      throw Error(where + ": expected 4 fields (file,codepoints,name,class), got " +
                  std::to_string(fields.size()));
    }
    if (fields[0].empty()) {
      throw Error(where + ": empty file name");
    }
    rows.push_back({fields[0], fields[1], fields[2], fields[3]});
  }
  return rows;
}

}  // namespace emergence
