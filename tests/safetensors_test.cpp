// safetensors reading and writing, including files that lie about their contents, and SHA-256.
#include "core/model/safetensors.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/json_file.h"
#include "core/model/sha256.h"

namespace emergence {
namespace {

namespace fs = std::filesystem;

class SafetensorsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("emergence_safetensors_" +
            std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // A file with `header` as its JSON and `data` after it; `claimed` overrides the length field.
  std::string write_raw(const std::string& name, const std::string& header, const std::string& data,
                        int64_t claimed = -1) {
    const std::string path = (dir_ / name).string();
    std::ofstream out(path, std::ios::binary);
    const uint64_t n = claimed < 0 ? header.size() : static_cast<uint64_t>(claimed);
    for (int i = 0; i < 8; ++i) {
      out.put(static_cast<char>((n >> (8 * i)) & 0xff));
    }
    out << header << data;
    return path;
  }

  // Reading `path` must throw an Error whose message names the file and holds every `part`.
  static void expect_rejected(const std::string& path, const std::vector<std::string>& parts) {
    try {
      read_safetensors(path);
      FAIL() << "no error for " << path;
    } catch (const Error& e) {
      const std::string message = e.what();
      EXPECT_NE(message.find(path), std::string::npos) << message;
      for (const auto& part : parts) {
        EXPECT_NE(message.find(part), std::string::npos) << "'" << part << "' not in: " << message;
      }
    }
  }

  fs::path dir_;
};

TEST_F(SafetensorsTest, RoundTripKeepsValuesShapesAndMetadata) {
  const std::map<std::string, torch::Tensor> tensors = {
      {"b.weight", torch::arange(6, torch::kFloat32).reshape({2, 3})},
      {"a.bias", torch::tensor({1.5f, -2.25f, 3.0f})},
      {"scalar", torch::tensor(7.0f)},
      {"empty", torch::zeros({0, 4})},
  };
  const std::string path = (dir_ / "model.safetensors").string();
  const std::vector<uint8_t> bytes = encode_safetensors(tensors, {{"format", "pt"}});
  write_file_atomically(path, bytes.data(), bytes.size());

  const auto loaded = read_safetensors(path);
  ASSERT_EQ(loaded.size(), tensors.size());
  for (const auto& [name, tensor] : tensors) {
    ASSERT_TRUE(loaded.count(name)) << name;
    EXPECT_EQ(loaded.at(name).sizes(), tensor.sizes()) << name;
    EXPECT_TRUE(torch::equal(loaded.at(name), tensor)) << name;
  }
  EXPECT_EQ(read_safetensors_metadata(path),
            (std::map<std::string, std::string>{{"format", "pt"}}));

  std::ifstream in(path, std::ios::binary);
  uint64_t header_bytes = 0;
  for (int i = 0; i < 8; ++i) {
    header_bytes |= static_cast<uint64_t>(static_cast<unsigned char>(in.get())) << (8 * i);
  }
  EXPECT_EQ(header_bytes % 8, 0u);
  // Tensors are laid out in sorted-name order: "a.bias" first, at offset 0.
  std::string header(header_bytes, '\0');
  in.read(header.data(), static_cast<std::streamsize>(header_bytes));
  const auto j = nlohmann::json::parse(header);
  EXPECT_EQ(j["a.bias"]["data_offsets"][0], 0);
  EXPECT_EQ(j["b.weight"]["data_offsets"][0], 12);
  EXPECT_EQ(j["b.weight"]["dtype"], "F32");
}

TEST_F(SafetensorsTest, HalfAndBfloat16BecomeFloat32) {
  const torch::Tensor values = torch::tensor({0.5f, -1.25f, 3.0f, 1024.0f});
  const torch::Tensor half = values.to(torch::kFloat16);
  const torch::Tensor bf16 = values.to(torch::kBFloat16);
  const std::string data(static_cast<const char*>(half.data_ptr()), 8);
  const std::string data2(static_cast<const char*>(bf16.data_ptr()), 8);
  const std::string header = R"({"h":{"dtype":"F16","shape":[2,2],"data_offsets":[0,8]},)"
                             R"("b":{"dtype":"BF16","shape":[4],"data_offsets":[8,16]}})";
  const auto loaded = read_safetensors(write_raw("half.safetensors", header, data + data2));
  EXPECT_EQ(loaded.at("h").scalar_type(), torch::kFloat32);
  EXPECT_TRUE(torch::equal(loaded.at("h"), values.reshape({2, 2})));
  EXPECT_TRUE(torch::equal(loaded.at("b"), values));
}

TEST_F(SafetensorsTest, BadFilesGetAClearErrorEach) {
  const std::string eight(8, '\0');
  const std::string ok_entry = R"("a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]})";
  expect_rejected((dir_ / "missing.safetensors").string(), {"cannot open"});
  {
    const std::string path = (dir_ / "short.safetensors").string();
    std::ofstream(path) << "abc";
    expect_rejected(path, {"too short"});
  }
  expect_rejected(write_raw("long_header.safetensors", "{" + ok_entry + "}", eight, 4096),
                  {"header claims 4096 bytes"});
  expect_rejected(write_raw("huge_header.safetensors", "{}", "", INT64_MAX), {"header claims"});
  expect_rejected(write_raw("not_json.safetensors", "{\"a\": [1, 2", eight), {"not valid JSON"});
  expect_rejected(write_raw("array.safetensors", "[1,2]", ""), {"not a JSON object"});
  expect_rejected(write_raw("out_of_range.safetensors",
                            R"({"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}})", eight),
                  {"tensor 'w'", "outside the data section of 8 bytes"});
  expect_rejected(write_raw("reversed.safetensors",
                            R"({"w":{"dtype":"F32","shape":[0],"data_offsets":[8,4]}})", eight),
                  {"tensor 'w'", "data_offsets [8, 4]"});
  expect_rejected(
      write_raw("overlap.safetensors",
                "{" + ok_entry + R"(,"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})",
                eight + eight),
      {"'a'", "'b'", "overlapping"});
  expect_rejected(write_raw("shape.safetensors",
                            R"({"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})", eight),
                  {"tensor 'w'", "shape [3]", "does not match its 8 data bytes"});
  expect_rejected(
      write_raw(
          "overflow.safetensors",
          R"({"w":{"dtype":"F32","shape":[2147483647,2147483647,2147483647],"data_offsets":[0,8]}})",
          eight),
      {"tensor 'w'"});
  expect_rejected(write_raw("dtype.safetensors",
                            R"({"w":{"dtype":"I64","shape":[1],"data_offsets":[0,8]}})", eight),
                  {"tensor 'w'", "I64", "only F32, F16 and BF16"});
  expect_rejected(write_raw("negative.safetensors",
                            R"({"w":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}})", eight),
                  {"tensor 'w'", "shape"});
  expect_rejected(write_raw("offsets.safetensors",
                            R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[0]}})", eight),
                  {"tensor 'w'", "data_offsets"});
  expect_rejected(write_raw("entry.safetensors", R"({"w": 3})", eight), {"tensor 'w'"});
  expect_rejected(write_raw("metadata.safetensors", R"({"__metadata__":{"k":1}})", ""),
                  {"__metadata__"});
}

// Issue 11 item 14: a corrupt header is reported in plain text: no "[json.exception…]" tag, and
// the byte that broke it written as \xFF rather than copied raw into the message.
TEST_F(SafetensorsTest, CorruptHeaderMessageIsPlainText) {
  const std::string path = write_raw("ff.safetensors", "\xFF{}", "");
  try {
    read_safetensors(path);
    FAIL() << "no error for a header starting with 0xFF";
  } catch (const Error& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find(path + ": safetensors header is not valid JSON"), std::string::npos)
        << message;
    EXPECT_NE(message.find("line 1, column 1"), std::string::npos) << message;
    EXPECT_NE(message.find("\\xFF"), std::string::npos) << message;
    EXPECT_EQ(message.find('\xFF'), std::string::npos) << message;
    EXPECT_EQ(message.find("json.exception"), std::string::npos) << message;
  }
  EXPECT_EQ(printable("caf\xC3\xA9 \x01\xC3"), "caf\xC3\xA9 \\x01\\xC3");
}

// Issue 17: the header's JSON is bounded in depth like every other JSON we read.
TEST_F(SafetensorsTest, DeeplyNestedHeaderIsRefused) {
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  expect_rejected(write_raw("deep.safetensors", R"({"__metadata__":)" + deep + "}", ""),
                  {"safetensors header", "more than 64 levels deep"});
  // The limit counts nesting, not brackets inside names.
  const std::string path = write_raw("brackets.safetensors",
                                     R"({"[[[[":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})",
                                     std::string(4, '\0'));
  EXPECT_EQ(read_safetensors(path).count("[[[["), 1u);
}

// Issue 17: a zero-element tensor used to reach memcpy with a null destination (UB). It is a
// legal tensor and reads back empty, with its shape, next to an ordinary one.
TEST_F(SafetensorsTest, ZeroElementTensorReadsBackEmpty) {
  const std::string path = write_raw("empty.safetensors",
                                     R"({"e":{"dtype":"F16","shape":[3,0],"data_offsets":[0,0]},)"
                                     R"("a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})",
                                     std::string("\0\0\x80\x3f", 4));
  const auto tensors = read_safetensors(path);
  ASSERT_EQ(tensors.count("e"), 1u);
  EXPECT_EQ(tensors.at("e").sizes(), (std::vector<int64_t>{3, 0}));
  EXPECT_EQ(tensors.at("e").scalar_type(), torch::kFloat32);
  EXPECT_FLOAT_EQ(tensors.at("a").item<float>(), 1.0f);
}

TEST_F(SafetensorsTest, EncoderRejectsWhatItCannotStore) {
  EXPECT_THROW(encode_safetensors({{"i", torch::arange(3)}}), Error);
  EXPECT_THROW(encode_safetensors({{"__metadata__", torch::zeros({1})}}), Error);
  EXPECT_THROW(encode_safetensors({{"", torch::zeros({1})}}), Error);
}

TEST(Sha256Test, MatchesFips180Vectors) {
  auto hex = [](const std::string& text) {
    Sha256 h;
    h.update(text.data(), text.size());
    return h.hex_digest();
  };
  EXPECT_EQ(hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  Sha256 million;
  const std::string chunk(1000, 'a');
  for (int i = 0; i < 1000; ++i) {
    million.update(chunk.data(), chunk.size());
  }
  EXPECT_EQ(million.hex_digest(),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

// SafetensorsFile: F16 and BF16 tensors stay in their stored dtype as views into the mapping,
// an unaligned one is copied, and integer tensors (an LDM file's position_ids) are skipped.
TEST_F(SafetensorsTest, MappedFileKeepsStoredTypesAndSkipsIntegers) {
  const uint16_t half_one = 0x3c00, half_two = 0x4000;  // 1.0 and 2.0 in IEEE binary16
  const uint16_t bf16_three = 0x4040;                   // 3.0 in bfloat16
  std::string data;
  const auto put16 = [&data](uint16_t v) {
    data.push_back(static_cast<char>(v & 0xff));
    data.push_back(static_cast<char>(v >> 8));
  };
  put16(half_one);
  put16(half_two);
  put16(bf16_three);
  data += std::string(8, '\0');  // I64 zero
  data += std::string(1, '\1');  // U8 one
  put16(half_two);               // at an odd offset: copied, not viewed
  std::string header = R"({"h":{"dtype":"F16","shape":[2],"data_offsets":[0,4]},)"
                       R"("b":{"dtype":"BF16","shape":[1],"data_offsets":[4,6]},)"
                       R"("ids":{"dtype":"I64","shape":[1],"data_offsets":[6,14]},)"
                       R"("flag":{"dtype":"U8","shape":[1],"data_offsets":[14,15]},)"
                       R"("odd":{"dtype":"F16","shape":[1],"data_offsets":[15,17]}})";
  header.append((8 - header.size() % 8) % 8, ' ');
  const std::string path = write_raw("mixed.safetensors", header, data);
  const SafetensorsFile file(path);
  ASSERT_EQ(file.tensors().size(), 3u);
  EXPECT_EQ(file.skipped(), (std::vector<std::string>{"flag", "ids"}));
  const torch::Tensor& h = file.tensors().at("h");
  EXPECT_EQ(h.scalar_type(), torch::kFloat16);
  EXPECT_TRUE(torch::equal(h.to(torch::kFloat32), torch::tensor({1.0f, 2.0f})));
  EXPECT_EQ(file.tensors().at("b").scalar_type(), torch::kBFloat16);
  EXPECT_EQ(file.tensors().at("b").item<float>(), 3.0f);
  EXPECT_EQ(file.tensors().at("odd").to(torch::kFloat32).item<float>(), 2.0f);
  // The owned reader refuses the integer tensor rather than skipping it.
  expect_rejected(path, {"tensor 'flag'", "U8"});
}

}  // namespace
}  // namespace emergence
