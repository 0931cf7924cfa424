#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace emergence {

// Crash-safe files: what a file Emergence writes looks like when the writer dies at any instant
// (SIGKILL, a crash; thanks to the fsyncs also a power cut).
//
// One file: its final name holds the old complete file or the new complete file, never a part
// of either. write_file_atomically puts the bytes in a temporary sibling, ".NAME.tmp-PID-N" in
// the same folder, fsyncs it, renames it over NAME (atomic within one file system) and fsyncs
// the folder so that the rename is on disk as well.
//
// A set of files that belong together (a model folder, an export's frames and sidecar): either
// every file of the set is old or every one is new, once recover_folder has run on its folder;
// see StagedOutput (core/staged_output.h).
//
// Temporary names start with a dot, so file managers hide them, and carry the writer's PID:
// readers skip them (is_temporary_name), and recover_folder (core/staged_output.h) removes those
// whose writer has died wherever a later run looks at a folder written to: every StagedOutput,
// read_model_folder, check_training_destinations, the CLI's destination checks and the export
// dialog. A writer is told dead by its PID alone, so a folder shared with another machine or PID
// namespace may have a live writer's temporaries removed there. tests/crash_safe_files_test.cpp
// kills writers at every step to hold all this to account.

// ".NAME.tmp-PID-N" for a file or folder called NAME, unique within this process.
std::string temporary_name(const std::string& name);
// Whether a file name has the form temporary_name gives it (made by any process).
bool is_temporary_name(const std::string& file_name);
// Whether a file name is a temporary name whose writer is gone: no process has its PID
// (kill(pid, 0) fails with ESRCH). False for this process's own and for another user's live one.
bool is_stale_temporary(const std::string& file_name);

// Creates or truncates path, writes the bytes, fsyncs and closes it, each step checked, so that a
// full disk (ENOSPC, EDQUOT, which delayed allocation may report only at fsync) shows here. False
// with reason (the strerror text) on failure; a partial file may then remain at path.
bool write_synced_file(const std::string& path, const uint8_t* data, size_t size,
                       std::string& reason);
// fsyncs a folder, so that names just created or renamed in it survive a power cut.
void sync_folder(const std::string& folder);

// Replaces (or creates) path with the bytes by the one-file rule above. Error "cannot write PATH:
// REASON" (e.g. "No space left on device"); after an error no temporary is left.
void write_file_atomically(const std::string& path, const void* data, size_t size);
void write_file_atomically(const std::string& path, const std::string& bytes);

}  // namespace emergence
