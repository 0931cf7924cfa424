#include "core/npy.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "core/error.h"
#include "test_support.h"

namespace emergence {
namespace {

std::string temp_path(const std::string& name) { return ::testing::TempDir() + "/" + name; }

TEST(Npy, ReadsNumpyFilesOfEveryDtypeWeUse) {
  const auto x = read_npy(test::data_path("schedulers/ddim_linear_eps_leading_50/x_init.npy"));
  EXPECT_EQ(x.sizes(), (std::vector<int64_t>{1, 3, 8, 8}));
  EXPECT_EQ(x.scalar_type(), torch::kFloat32);
  const auto labels = read_npy(test::data_path("unet/unet_classcond/class_labels.npy"));
  EXPECT_EQ(labels.scalar_type(), torch::kInt64);
  EXPECT_EQ(labels.sizes(), (std::vector<int64_t>{2}));
}

TEST(Npy, RoundTripIsExact) {
  const auto t = torch::randn({2, 3, 5});
  const auto path = temp_path("round_trip.npy");
  write_npy(path, t);
  EXPECT_TRUE(torch::equal(read_npy(path), t));
  const auto scalar_path = temp_path("vector.npy");
  write_npy(scalar_path, torch::arange(4, torch::kFloat32));
  EXPECT_EQ(read_npy(scalar_path).sizes(), (std::vector<int64_t>{4}));
}

TEST(Npy, BadFilesAreErrorsNamingTheFile) {
  const auto path = temp_path("bad.npy");
  { std::ofstream(path) << "not numpy at all"; }
  try {
    read_npy(path);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos);
  }
  // A valid header whose data is cut short.
  const auto good = temp_path("good.npy");
  write_npy(good, torch::ones({64}));
  std::ifstream in(good, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), {});
  const auto cut = temp_path("cut.npy");
  std::ofstream(cut, std::ios::binary) << bytes.substr(0, bytes.size() - 10);
  EXPECT_THROW(read_npy(cut), Error);
  EXPECT_THROW(read_npy(temp_path("missing.npy")), Error);
}

// Writes a .npy file by hand: magic, version (2.0 when the header needs a 4-byte length), the
// header text padded to 64 bytes as NumPy does, then data_bytes zero bytes.
std::string write_raw_npy(const std::string& name, const std::string& dict, size_t data_bytes) {
  const auto path = temp_path(name);
  const bool wide = dict.size() + 64 > 0xffff;
  const size_t prefix = wide ? 12 : 10;
  std::string header = dict;
  while ((prefix + header.size() + 1) % 64 != 0) {
    header += ' ';
  }
  header += '\n';
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(wide ? "\x93NUMPY\x02\x00" : "\x93NUMPY\x01\x00", 8);
  const size_t n = header.size();
  for (size_t i = 0; i < (wide ? 4u : 2u); ++i) {
    out.put(static_cast<char>((n >> (8 * i)) & 0xff));
  }
  out << header << std::string(data_bytes, '\0');
  return path;
}

std::string header_with_shape(const std::string& shape) {
  return "{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + ", }";
}

// The message read_npy gives for path, which must be an Error naming the file.
std::string npy_error(const std::string& path) {
  try {
    read_npy(path);
  } catch (const Error& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find(path), std::string::npos) << message;
    return message;
  }
  ADD_FAILURE() << path << " was read without an error";
  return {};
}

TEST(Npy, ReadsEveryHeaderSpellingNumpyAllows) {
  const auto scalar = read_npy(write_raw_npy("scalar.npy", header_with_shape("()"), 4));
  EXPECT_EQ(scalar.dim(), 0);
  const auto spaced = read_npy(write_raw_npy("spaced.npy", header_with_shape("( 2 , 3 , )"), 24));
  EXPECT_EQ(spaced.sizes(), (std::vector<int64_t>{2, 3}));
  const auto reordered = read_npy(write_raw_npy(
      "reordered.npy", "{\"shape\": (3,), \"fortran_order\": False, \"descr\": \"<i4\"}", 12));
  EXPECT_EQ(reordered.sizes(), (std::vector<int64_t>{3}));
  EXPECT_EQ(reordered.scalar_type(), torch::kInt32);
  EXPECT_EQ(read_npy(write_raw_npy("empty.npy", header_with_shape("(0, 5)"), 0)).numel(), 0);
}

// Fuzzing found that std::regex recursed once per character here and overflowed the stack.
TEST(Npy, LongDescrIsAnErrorNotACrash) {
  const std::string descr(200000, 'f');
  const auto path = write_raw_npy(
      "long_descr.npy", "{'descr': '<" + descr + "', 'fortran_order': False, 'shape': (1,), }", 4);
  const std::string message = npy_error(path);
  EXPECT_NE(message.find("dtype"), std::string::npos) << message;
  EXPECT_LT(message.size(), path.size() + 200) << "the message quotes all of the descr";
}

TEST(Npy, LongShapeTextIsReadNotACrash) {
  const std::string padded = "(2," + std::string(200000, ' ') + "3)";
  const auto t = read_npy(write_raw_npy("long_shape.npy", header_with_shape(padded), 24));
  EXPECT_EQ(t.sizes(), (std::vector<int64_t>{2, 3}));
  std::string many = "(";
  for (int i = 0; i < 50000; ++i) {
    many += "1, ";
  }
  many += ")";
  const std::string message = npy_error(write_raw_npy("many_dims.npy", header_with_shape(many), 4));
  EXPECT_NE(message.find("dimensions"), std::string::npos) << message;
}

// A 115-byte file used to ask for 5.8 GB, a larger shape for a c10 allocation error.
TEST(Npy, ShapeNeedingMoreBytesThanTheFileHoldsIsRefusedBeforeAllocating) {
  for (const std::string shape : {"(38000, 38000)", "(4294967296, 1024)"}) {
    const std::string message =
        npy_error(write_raw_npy("huge_shape.npy", header_with_shape(shape), 64));
    EXPECT_NE(message.find("64 bytes"), std::string::npos) << message;
  }
}

TEST(Npy, OverflowingShapeIsAnError) {
  for (const std::string shape :
       {"(4294967296, 4294967296, 4294967296)", "(0, 4294967296, 4294967296, 4294967296)",
        "(9223372036854775807, 2)", "(2305843009213693952,)"}) {
    const std::string message =
        npy_error(write_raw_npy("overflow_shape.npy", header_with_shape(shape), 64));
    EXPECT_NE(message.find("too large"), std::string::npos) << shape << ": " << message;
  }
}

// "(2 3)" used to be read as (2,), a bad number came out as the bare message "stoll".
TEST(Npy, MalformedShapesAreErrorsSayingWhatIsWrong) {
  for (const std::string shape :
       {"(2 3)", "(a,)", "(2,,3)", "(,)", "(-1,)", "(2.5,)", "(+2,)", "(0x10,)",
        "(99999999999999999999,)", "(2, 3", "[2, 3]", "2", "'(2,)'"}) {
    const std::string message =
        npy_error(write_raw_npy("bad_shape.npy", header_with_shape(shape), 1024));
    EXPECT_NE(message.find("shape"), std::string::npos) << shape << ": " << message;
    EXPECT_EQ(message.find("stoll"), std::string::npos) << shape << ": " << message;
  }
}

TEST(Npy, MalformedHeadersAreErrorsNamingTheFile) {
  for (const std::string dict :
       {"", "{", "{'descr': '<f4', 'shape': (1,)}", "{'descr': '<f4', 'fortran_order': False}",
        "{'fortran_order': False, 'shape': (1,)}",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'extra': 1}",
        "{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (1,)}",
        "{'descr': '<f4' 'fortran_order': False, 'shape': (1,)}",
        "{'descr': '<f4', 'fortran_order': Maybe, 'shape': (1,)}",
        "{'descr': '<f4, 'fortran_order': False, 'shape': (1,)}",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (1,)} trailing"}) {
    npy_error(write_raw_npy("bad_header.npy", dict, 1024));
  }
  const std::string message = npy_error(write_raw_npy(
      "fortran.npy", "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }", 16));
  EXPECT_NE(message.find("Fortran"), std::string::npos) << message;
}

}  // namespace
}  // namespace emergence
