#pragma once

#include <string>
#include <vector>

namespace emergence::app {

// Checks made before a command does any work, so that a long run never ends in a file it cannot
// write or one it must not replace. Each Error starts with `what` (the option, e.g. "--out") and
// says what is actually wrong. Each check first finishes or removes what a killed earlier run left
// in the destination folder (recover_folder), so that none of that counts as existing.

// A file to be created at path: its folder exists, is a folder and takes new files; path is not
// a folder; and it does not exist yet unless overwrite.
void check_new_file(const std::string& what, const std::string& path, bool overwrite);
// An image file: check_new_file, and an extension write_image can encode.
void check_new_image(const std::string& what, const std::string& path, bool overwrite);
// A folder that files will be written into: it exists and takes new files, or it can be created
// (the nearest existing parent is a folder that takes new files).
void check_output_folder(const std::string& what, const std::string& folder);
// Error listing the paths that exist already unless overwrite (the first few and the count).
void check_not_existing(const std::string& what, const std::vector<std::string>& paths,
                        bool overwrite);

}  // namespace emergence::app
