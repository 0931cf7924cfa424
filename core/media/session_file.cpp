#include "core/media/session_file.h"

#include <zlib.h>

#include <cstring>
#include <fstream>
#include <iterator>
#include <limits>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/json_file.h"

namespace emergence {
namespace {

constexpr char kMagic[] = "EMERGENCE-SESSION\n";
constexpr size_t kMagicSize = sizeof(kMagic) - 1;
constexpr uint32_t kVersion = 1;
// magic, version, JSON size, compressed size, raw size, CRC-32
constexpr size_t kHeaderSize = kMagicSize + 4 + 8 + 8 + 8 + 4;
constexpr uint64_t kMaxRawBytes = uint64_t{8} << 30;
constexpr int kMaxSide = 16384;

void append_le(std::string& out, uint64_t value, int bytes) {
  for (int i = 0; i < bytes; ++i) {
    out.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
  }
}

uint64_t read_le(const std::string& in, size_t at, int bytes) {
  uint64_t value = 0;
  for (int i = 0; i < bytes; ++i) {
    value |= uint64_t(static_cast<unsigned char>(in[at + i])) << (8 * i);
  }
  return value;
}

uint32_t crc_of(const std::string& bytes, size_t from) {
  uLong crc = crc32(0L, Z_NULL, 0);
  for (size_t at = from; at < bytes.size();) {
    const size_t n = std::min<size_t>(bytes.size() - at, 1u << 30);
    crc = crc32(crc, reinterpret_cast<const Bytef*>(bytes.data() + at), static_cast<uInt>(n));
    at += n;
  }
  return static_cast<uint32_t>(crc);
}

nlohmann::json frame_json(const TrajectoryFrame& frame, std::string& pixels) {
  nlohmann::json views = nlohmann::json::array();
  for (const Image8& view : frame.views) {
    views.push_back({{"width", view.width},
                     {"height", view.height},
                     {"channels", view.channels},
                     {"offset", pixels.size()},
                     {"size", view.pixels.size()}});
    pixels.append(reinterpret_cast<const char*>(view.pixels.data()), view.pixels.size());
  }
  return {{"index", frame.index},
          {"total", frame.total},
          {"timestep", frame.timestep},
          {"sigma", frame.sigma},
          {"views", views}};
}

Image8 view_from(const nlohmann::json& j, const std::string& pixels, const std::string& where) {
  Image8 image;
  image.width = static_cast<int>(json_integer(j.at("width"), where + " width", 0, kMaxSide));
  image.height = static_cast<int>(json_integer(j.at("height"), where + " height", 0, kMaxSide));
  image.channels = static_cast<int>(json_integer(j.at("channels"), where + " channels", 0, 4));
  const uint64_t offset = json_unsigned(j.at("offset"), where + " offset");
  const uint64_t size = json_unsigned(j.at("size"), where + " size");
  if (size != uint64_t(image.width) * image.height * image.channels || offset > pixels.size() ||
      size > pixels.size() - offset) {
    throw Error(where + " does not fit the pixel data");
  }
  image.pixels.assign(pixels.begin() + static_cast<std::ptrdiff_t>(offset),
                      pixels.begin() + static_cast<std::ptrdiff_t>(offset + size));
  return image;
}

}  // namespace

void write_session(const std::string& path, const Session& session) {
  std::string pixels;
  nlohmann::json runs = nlohmann::json::array();
  for (const SessionRun& r : session.runs) {
    nlohmann::json frames = nlohmann::json::array();
    for (const auto& frame : r.run.frames) {
      frames.push_back(frame_json(*frame, pixels));
    }
    runs.push_back(
        {{"params", to_json(r.run.params)}, {"completed", r.completed}, {"frames", frames}});
  }
  const std::string json = nlohmann::json{{"runs", runs}}.dump();
  uLongf packed_size = compressBound(static_cast<uLong>(pixels.size()));
  std::string packed(packed_size, '\0');
  if (compress2(reinterpret_cast<Bytef*>(packed.data()), &packed_size,
                reinterpret_cast<const Bytef*>(pixels.data()), static_cast<uLong>(pixels.size()),
                Z_BEST_SPEED) != Z_OK) {
    throw Error("cannot compress the session's frames for " + path);
  }
  packed.resize(packed_size);
  std::string body = json + packed;
  std::string file(kMagic, kMagicSize);
  append_le(file, kVersion, 4);
  append_le(file, json.size(), 8);
  append_le(file, packed.size(), 8);
  append_le(file, pixels.size(), 8);
  append_le(file, crc_of(body, 0), 4);
  file += body;
  write_file_atomically(path, file);
}

Session read_session(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw Error("cannot open " + path);
  }
  const std::string file((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (file.size() < kMagicSize || file.compare(0, kMagicSize, kMagic) != 0) {
    throw Error(path + " is not an Emergence session file");
  }
  if (file.size() < kHeaderSize) {
    throw Error(path + " is truncated: its header is incomplete");
  }
  const uint64_t version = read_le(file, kMagicSize, 4);
  if (version != kVersion) {
    throw Error(path + " is a session file of version " + std::to_string(version) +
                "; this Emergence reads version " + std::to_string(kVersion));
  }
  const uint64_t json_size = read_le(file, kMagicSize + 4, 8);
  const uint64_t packed_size = read_le(file, kMagicSize + 12, 8);
  const uint64_t raw_size = read_le(file, kMagicSize + 20, 8);
  const uint32_t crc = static_cast<uint32_t>(read_le(file, kMagicSize + 28, 4));
  const uint64_t body = file.size() - kHeaderSize;
  if (json_size > body || packed_size > body - json_size) {
    throw Error(path + " is truncated: it should hold " +
                std::to_string(kHeaderSize + json_size + packed_size) + " bytes but has " +
                std::to_string(file.size()));
  }
  if (json_size + packed_size != body) {
    throw Error(path + " has " + std::to_string(body - json_size - packed_size) +
                " bytes more than its header says");
  }
  if (crc_of(file, kHeaderSize) != crc) {
    throw Error(path + " is corrupt: its checksum does not match its contents");
  }
  if (raw_size > kMaxRawBytes) {
    throw Error(path + " claims " + std::to_string(raw_size) + " bytes of frames, over the " +
                std::to_string(kMaxRawBytes >> 30) + " GiB a session may hold");
  }
  std::string pixels(raw_size, '\0');
  uLongf unpacked = static_cast<uLongf>(raw_size);
  if (uncompress(reinterpret_cast<Bytef*>(pixels.data()), &unpacked,
                 reinterpret_cast<const Bytef*>(file.data() + kHeaderSize + json_size),
                 static_cast<uLong>(packed_size)) != Z_OK ||
      unpacked != raw_size) {
    throw Error(path + " is corrupt: its frames do not decompress");
  }
  const nlohmann::json j =
      parse_lenient_json(file.substr(kHeaderSize, json_size), path + "'s run list");
  Session session;
  try {
    for (const nlohmann::json& r : j.at("runs")) {
      SessionRun run;
      run.run.params = generation_params_from_json(r.at("params"));
      run.completed = r.at("completed").get<bool>();
      for (const nlohmann::json& f : r.at("frames")) {
        auto frame = std::make_shared<TrajectoryFrame>();
        frame->index = static_cast<int>(json_integer(f.at("index"), "frame index", 0, 1 << 30));
        frame->total = static_cast<int>(json_integer(f.at("total"), "frame total", 0, 1 << 30));
        frame->timestep = json_number(f.at("timestep"), "frame timestep");
        frame->sigma = json_number(f.at("sigma"), "frame sigma");
        const nlohmann::json& views = f.at("views");
        if (!views.is_array() || views.size() != kViewCount) {
          throw Error("a frame must have " + std::to_string(kViewCount) + " views");
        }
        for (int v = 0; v < kViewCount; ++v) {
          frame->views[v] = view_from(views[v], pixels, "frame " + std::to_string(frame->index));
        }
        run.run.frames.push_back(std::move(frame));
      }
      session.runs.push_back(std::move(run));
    }
  } catch (const nlohmann::json::exception& e) {
    throw Error(path + ": the run list is malformed: " + json_error_text(e));
  } catch (const Error& e) {
    throw Error(path + ": " + e.what());
  }
  return session;
}

}  // namespace emergence
