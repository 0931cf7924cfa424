#pragma once

namespace emergence::test {

// Kill points for the crash tests. The binary that links kill_points.cpp has its own definitions
// of the C library calls through which files are written and moved (write, fsync, rename, mkdir,
// unlink, rmdir, remove): each passes the call on to the C library, so the writers under test run
// unchanged, but once armed the process raises SIGKILL at the point-th such call from then on
// (1: the next one). A write first writes half its bytes, so the file is cut off mid-write; the
// other calls die before they happen. Writes to stdin, stdout and stderr do not count.
void kill_at_call(long point);

}  // namespace emergence::test
