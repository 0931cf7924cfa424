#pragma once

#include <string>
#include <vector>

#include "core/trajectory.h"

namespace emergence {

// A session: the runs of the history panel, each with its parameters (branches, masks and
// variations included) and, where they were kept, its frames.
struct SessionRun {
  Trajectory run;  // frames empty: kept as parameters only (made again when picked)
  bool completed = true;
};

struct Session {
  std::vector<SessionRun> runs;
};

// A `.emergence` file: a magic line, sizes, a CRC-32 over the rest, the runs as JSON and every
// frame's pixels in one zlib stream. Written atomically (write_file_atomically), so a failed
// save leaves the old file whole. Errors name the path.
void write_session(const std::string& path, const Session& session);
// Refuses anything that is not a whole, unchanged session file (truncated, corrupt, another
// format, sizes that do not add up) with an Error naming the path and what is wrong.
Session read_session(const std::string& path);

}  // namespace emergence
