#pragma once

#include <string>
#include <vector>

namespace emergence {

// One row of a dataset's manifest.csv: an image file (relative to the dataset folder) and its
// class. codepoints and name describe emoji and may be empty for other datasets.
struct ManifestRow {
  std::string file;
  std::string codepoints;
  std::string name;
  std::string class_name;
};

constexpr const char* kManifestFile = "manifest.csv";

// RFC 4180 CSV with the header "file,codepoints,name,class"; fields are quoted when they hold a
// comma or a quote. Replaced atomically (write_file_atomically).
void write_manifest(const std::string& path, const std::vector<ManifestRow>& rows);
// Errors name the file and line.
std::vector<ManifestRow> read_manifest(const std::string& path);

}  // namespace emergence
