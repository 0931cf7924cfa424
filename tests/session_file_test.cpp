// Session files: a saved session opens with identical frames and parameters (branches included),
// and a truncated, corrupt or foreign file is refused with a message naming what is wrong.
#include "core/media/session_file.h"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "core/branching.h"
#include "core/error.h"
#include "temp_folder.h"

namespace emergence {
namespace {

std::shared_ptr<const TrajectoryFrame> frame(int index, uint8_t level) {
  auto f = std::make_shared<TrajectoryFrame>();
  f->index = index;
  f->total = 3;
  f->timestep = 999.0 - 333.0 * index;
  f->sigma = 1.5 / (index + 1);
  for (int v = 0; v < kViewCount; ++v) {
    f->views[v] = Image8{4, 3, 3, std::vector<uint8_t>(36, static_cast<uint8_t>(level + v))};
  }
  return f;
}

Session two_runs() {
  Session s;
  SessionRun parent;
  parent.run.params.seed = 3;
  parent.run.params.steps = 3;
  for (int i = 0; i <= 3; ++i) {
    parent.run.frames.push_back(frame(i, static_cast<uint8_t>(10 * i)));
  }
  SessionRun branch;
  branch.run.params = branch_of(parent.run.params, 1);
  branch.run.params.seed = 8;
  branch.completed = false;
  branch.run.frames = {parent.run.frames[0], parent.run.frames[1], frame(2, 200)};
  s.runs = {parent, branch};
  return s;
}

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_all(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

std::string refusal(const std::string& path) {
  try {
    read_session(path);
  } catch (const Error& e) {
    return e.what();
  }
  return "accepted";
}

TEST(SessionFile, OpensWithIdenticalFramesAndParameters) {
  test::TempFolder folder;
  const Session saved = two_runs();
  write_session(folder.file("s.emergence"), saved);
  const Session opened = read_session(folder.file("s.emergence"));
  ASSERT_EQ(opened.runs.size(), 2u);
  for (size_t r = 0; r < 2; ++r) {
    const Trajectory& a = saved.runs[r].run;
    const Trajectory& b = opened.runs[r].run;
    EXPECT_EQ(to_json(a.params), to_json(b.params));
    EXPECT_EQ(saved.runs[r].completed, opened.runs[r].completed);
    ASSERT_EQ(a.frames.size(), b.frames.size());
    for (size_t i = 0; i < a.frames.size(); ++i) {
      EXPECT_EQ(a.frames[i]->index, b.frames[i]->index);
      EXPECT_EQ(a.frames[i]->sigma, b.frames[i]->sigma);
      EXPECT_EQ(a.frames[i]->timestep, b.frames[i]->timestep);
      for (int v = 0; v < kViewCount; ++v) {
        EXPECT_EQ(a.frames[i]->views[v].pixels, b.frames[i]->views[v].pixels);
        EXPECT_EQ(a.frames[i]->views[v].width, b.frames[i]->views[v].width);
      }
    }
  }
  ASSERT_TRUE(opened.runs[1].run.params.parent);
  EXPECT_EQ(opened.runs[1].run.params.branch_step, 1);
}

TEST(SessionFile, RefusesTruncatedCorruptAndForeignFiles) {
  test::TempFolder folder;
  const std::string path = folder.file("s.emergence");
  write_session(path, two_runs());
  const std::string whole = read_all(path);

  write_all(folder.file("cut.emergence"), whole.substr(0, whole.size() - 10));
  EXPECT_NE(refusal(folder.file("cut.emergence")).find("is truncated"), std::string::npos);
  write_all(folder.file("head.emergence"), whole.substr(0, 25));
  EXPECT_NE(refusal(folder.file("head.emergence")).find("truncated"), std::string::npos);
  std::string flipped = whole;
  flipped[flipped.size() / 2] ^= 0x40;
  write_all(folder.file("flip.emergence"), flipped);
  EXPECT_NE(refusal(folder.file("flip.emergence")).find("is corrupt"), std::string::npos);
  write_all(folder.file("png.emergence"), "\x89PNG\r\n\x1a\n....");
  EXPECT_NE(refusal(folder.file("png.emergence")).find("is not an Emergence session file"),
            std::string::npos);
  EXPECT_NE(refusal(folder.file("missing.emergence")).find("cannot open"), std::string::npos);
  // A refused file is left as it was.
  EXPECT_EQ(read_all(folder.file("cut.emergence")), whole.substr(0, whole.size() - 10));
}

}  // namespace
}  // namespace emergence
