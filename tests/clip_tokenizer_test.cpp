// The CLIP tokenizer against openai/CLIP's own ids (tests/data/sd/tokenizer, made by
// generate_tokenizer.py), the transformers folder layout against the .gz, and the errors.
#include "core/text/clip_tokenizer.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/text/clip_bpe.h"
#include "core/text/clip_byte_map.h"
#include "temp_folder.h"
#include "test_paths.h"

namespace emergence {
namespace {

std::string clip_vocabulary_gz() {
  return test::builtin_model_dir() + "/../../clip/bpe_simple_vocab_16e6.txt.gz";
}

std::string tokenizer_data(const std::string& name) {
  return test::test_data_dir() + "/sd/tokenizer/" + name;
}

std::vector<int64_t> ids_of(const nlohmann::json& list) { return list.get<std::vector<int64_t>>(); }

void write_text(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void write_gzip(const std::string& path, const std::string& text) {
  gzFile file = gzopen(path.c_str(), "wb");
  ASSERT_NE(file, nullptr);
  ASSERT_EQ(gzwrite(file, text.data(), static_cast<unsigned>(text.size())),
            static_cast<int>(text.size()));
  gzclose(file);
}

// The message of the Error that f throws, or "" when it throws none.
template <typename F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const Error& error) {
    return error.what();
  }
  return "";
}

class ClipTokenizerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    gz_ = new ClipTokenizer(ClipTokenizer::from_vocabulary_gz(clip_vocabulary_gz()));
    folder_ = new ClipTokenizer(ClipTokenizer::from_folder(tokenizer_data("folder_sd2")));
    std::ifstream in(tokenizer_data("case.json"));
    cases_ = new nlohmann::json(nlohmann::json::parse(in).at("cases"));
  }
  static void TearDownTestSuite() {
    delete gz_;
    delete folder_;
    delete cases_;
  }
  static ClipTokenizer* gz_;
  static ClipTokenizer* folder_;
  static nlohmann::json* cases_;
};
ClipTokenizer* ClipTokenizerTest::gz_ = nullptr;
ClipTokenizer* ClipTokenizerTest::folder_ = nullptr;
nlohmann::json* ClipTokenizerTest::cases_ = nullptr;

TEST_F(ClipTokenizerTest, MatchesOpenAiOnEveryRecordedPrompt) {
  ASSERT_GE(cases_->size(), 45u);
  size_t exact = 0;
  for (const auto& [name, entry] : cases_->items()) {
    SCOPED_TRACE(name);
    const std::string prompt = entry.at("prompt").get<std::string>();
    const std::vector<int64_t> bpe = ids_of(entry.at("bpe_ids"));
    const TokenizedPrompt pad_0 = gz_->tokenize(prompt, 0);
    const TokenizedPrompt pad_eos = gz_->tokenize(prompt, gz_->eos_id());
    EXPECT_EQ(gz_->encode(prompt), bpe);
    EXPECT_EQ(pad_0.ids, ids_of(entry.at("ids_pad_0")));
    EXPECT_EQ(pad_eos.ids, ids_of(entry.at("ids_pad_49407")));
    EXPECT_EQ(pad_0.content_tokens, static_cast<int>(bpe.size()));
    EXPECT_EQ(pad_0.dropped_tokens, std::max(0, static_cast<int>(bpe.size()) - 75));
    exact += gz_->encode(prompt) == bpe && pad_0.ids == ids_of(entry.at("ids_pad_0")) &&
             pad_eos.ids == ids_of(entry.at("ids_pad_49407"));
  }
  EXPECT_EQ(exact, cases_->size());
}

TEST_F(ClipTokenizerTest, FolderGivesTheIdsOfTheGzipVocabulary) {
  EXPECT_EQ(folder_->vocabulary_size(), 49408u);
  EXPECT_EQ(gz_->vocabulary_size(), 49408u);
  EXPECT_EQ(folder_->folder_pad_id(), std::optional<int64_t>(0));
  EXPECT_EQ(gz_->folder_pad_id(), std::nullopt);
  EXPECT_EQ(folder_->bos_id(), 49406);
  EXPECT_EQ(folder_->eos_id(), 49407);
  for (const auto& [name, entry] : cases_->items()) {
    SCOPED_TRACE(name);
    const std::string prompt = entry.at("prompt").get<std::string>();
    EXPECT_EQ(folder_->encode(prompt), gz_->encode(prompt));
    EXPECT_EQ(folder_->tokenize(prompt, 0).ids, gz_->tokenize(prompt, 0).ids);
  }
}

TEST_F(ClipTokenizerTest, ResearchNotesReferenceIds) {
  const std::vector<std::pair<std::string, std::vector<int64_t>>> reference = {
      {"a photo of a cat", {49406, 320, 1125, 539, 320, 2368, 49407}},
      {"A  Photo of an ASTRONAUT, riding a horse!!",
       {49406, 320, 1125, 539, 550, 18376, 267, 6765, 320, 4558, 748, 49407}},
      {"it's 1024px", {49406, 585, 568, 272, 271, 273, 275, 10262, 49407}},
      {"café  naïve 日本", {49406, 15304, 1097, 35689, 563, 39121, 19277, 361, 49407}},
      {"emoji 🙂 test", {49406, 16327, 14860, 1628, 49407}},
  };
  for (const auto& [prompt, ids] : reference) {
    std::vector<int64_t> expected = ids;
    expected.resize(77, 49407);
    EXPECT_EQ(gz_->tokenize(prompt, 49407).ids, expected) << prompt;
  }
}

TEST_F(ClipTokenizerTest, NamesTokensById) {
  EXPECT_EQ(gz_->id_of("!"), 0);
  EXPECT_EQ(gz_->id_of("a</w>"), 320);
  EXPECT_EQ(gz_->id_of("<|startoftext|>"), 49406);
  EXPECT_EQ(gz_->id_of("<|endoftext|>"), 49407);
  EXPECT_EQ(gz_->id_of("jekyll</w>"), 49405);  // the last merge
  const std::string message = error_of([&] { gz_->id_of("no such token"); });
  EXPECT_NE(message.find("\"no such token\""), std::string::npos) << message;
  EXPECT_NE(message.find("bpe_simple_vocab_16e6.txt.gz"), std::string::npos) << message;
}

TEST_F(ClipTokenizerTest, TruncatesToBosFirstContentAndEos) {
  const std::string prompt = cases_->at("over_77").at("prompt").get<std::string>();
  const std::vector<int64_t> content = gz_->encode(prompt);
  ASSERT_GT(content.size(), 75u);
  const TokenizedPrompt full = gz_->tokenize(prompt, 0);
  EXPECT_EQ(full.dropped_tokens, static_cast<int>(content.size()) - 75);
  EXPECT_EQ(std::vector<int64_t>(full.ids.begin() + 1, full.ids.end() - 1),
            std::vector<int64_t>(content.begin(), content.begin() + 75));
  EXPECT_EQ(full.ids.back(), 49407);

  const TokenizedPrompt short_window = gz_->tokenize("a photo of a cat", 7, 4);
  EXPECT_EQ(short_window.ids, (std::vector<int64_t>{49406, 320, 1125, 49407}));
  EXPECT_EQ(short_window.content_tokens, 5);
  EXPECT_EQ(short_window.dropped_tokens, 3);
  EXPECT_EQ(gz_->tokenize("", 7, 4).ids, (std::vector<int64_t>{49406, 49407, 7, 7}));
  EXPECT_NE(error_of([&] { gz_->tokenize("x", 0, 1); }).find("max_length 1"), std::string::npos);
}

TEST_F(ClipTokenizerTest, RefusesInvalidUtf8WithItsOffset) {
  for (const auto& [text, offset] : std::vector<std::pair<std::string, int>>{{"cat \xff", 4},
                                                                             {"\xc0\xaf", 0},
                                                                             {"ab\xed\xa0\x80", 2},
                                                                             {"x\xe2\x82", 1},
                                                                             {"\x80", 0}}) {
    const std::string message = error_of([&] { gz_->encode(text); });
    EXPECT_NE(message.find("not valid UTF-8: byte " + std::to_string(offset) + " "),
              std::string::npos)
        << message;
  }
}

// Named references other than the six of html_unescape.h stay as typed, as documented there.
TEST_F(ClipTokenizerTest, LeavesUnknownNamedReferencesAsTyped) {
  EXPECT_EQ(gz_->encode("caf&eacute;"), gz_->encode("caf & eacute ;"));
  EXPECT_NE(gz_->encode("caf&eacute;"), gz_->encode("café"));
  EXPECT_EQ(gz_->encode("&ltimes;"), gz_->encode("<imes;"));
  EXPECT_EQ(gz_->encode("&amp;eacute; &lt;"), gz_->encode("& eacute ; <"));
}

// The merge loop on merge lists the real vocabulary cannot show: pairs a round creates wait for
// the next round, and overlapping occurrences merge left to right (checked with
// SimpleTokenizer.bpe on the same bpe_ranks).
TEST(ClipBpe, MergesEachRoundLikeTheReference) {
  using Merges = std::vector<std::pair<std::string, std::string>>;
  const ClipBpe deferred(Merges{{"bc", "b"}, {"b", "c"}});
  EXPECT_EQ(deferred.apply({"b", "c", "b", "c", "b", "c</w>"}),
            (std::vector<std::string>{"bc", "bcb", "c</w>"}));
  const ClipBpe pairs(Merges{{"a", "a"}});
  EXPECT_EQ(pairs.apply({"a", "a", "a", "a", "a</w>"}),
            (std::vector<std::string>{"aa", "aa", "a</w>"}));
  const ClipBpe nested(Merges{{"a", "a"}, {"aa", "aa"}, {"aaaa", "a</w>"}});
  EXPECT_EQ(nested.apply({"a", "a", "a", "a", "a</w>"}), (std::vector<std::string>{"aaaaa</w>"}));
  EXPECT_EQ(nested.apply({"a</w>"}), (std::vector<std::string>{"a</w>"}));
}

// A tokenizer folder with the byte symbols, "c a", "ca t</w>" and the special tokens only.
class TinyFolder {
 public:
  TinyFolder() {
    for (const std::string& symbol : clip_byte_symbols_in_vocabulary_order()) {
      vocab[symbol] = static_cast<int64_t>(vocab.size());
      vocab[symbol + "</w>"] = static_cast<int64_t>(vocab.size());
    }
    vocab["ca"] = 1000;
    vocab["cat</w>"] = 1001;
    vocab["<|startoftext|>"] = 1002;
    vocab["<|endoftext|>"] = 1003;
  }
  std::string write() const {
    write_text(folder.file("vocab.json"), raw_vocab.value_or(vocab.dump()));
    write_text(folder.file("merges.txt"), merges);
    if (!special.is_null()) {
      write_text(folder.file("special_tokens_map.json"), special.dump());
    }
    return folder.path();
  }
  test::TempFolder folder;
  nlohmann::json vocab = nlohmann::json::object();
  std::optional<std::string> raw_vocab;
  std::string merges = "#version: 0.2\nc a\nca t</w>\n";
  nlohmann::json special;
};

TEST(ClipTokenizerFolder, ReadsTheTransformersLayout) {
  TinyFolder tiny;
  tiny.special = {{"pad_token", {{"content", "!"}, {"lstrip", false}}}};
  const ClipTokenizer tokenizer = ClipTokenizer::from_folder(tiny.write());
  EXPECT_EQ(tokenizer.encode("Cat CAT!"), (std::vector<int64_t>{1001, 1001, 1}));
  EXPECT_EQ(tokenizer.tokenize("cat", 5, 4).ids, (std::vector<int64_t>{1002, 1001, 1003, 5}));
  EXPECT_EQ(tokenizer.folder_pad_id(), std::optional<int64_t>(0));
  tiny.merges = "c a\r\nca t</w>";  // no header, Windows line ends, no final line end
  tiny.special = nullptr;
  std::remove(tiny.folder.file("special_tokens_map.json").c_str());
  const ClipTokenizer bare = ClipTokenizer::from_folder(tiny.write());
  EXPECT_EQ(bare.encode("cat"), (std::vector<int64_t>{1001}));
  EXPECT_EQ(bare.folder_pad_id(), std::nullopt);
}

// Each broken folder gives an Error naming the file and what is wrong with it.
TEST(ClipTokenizerFolder, ErrorsNameTheFile) {
  struct Case {
    const char* what;
    std::function<void(TinyFolder&)> breakage;
    std::string file;
    std::string detail;
  };
  const std::vector<Case> cases = {
      {"vocab.json not JSON", [](TinyFolder& t) { t.raw_vocab = "{\"a\": 1,"; }, "vocab.json",
       "is not valid JSON"},
      {"vocab.json a list",
       [](TinyFolder& t) {
         t.vocab = {1, 2};
       },
       "vocab.json", "must be a JSON object of token -> id"},
      {"vocab.json string id", [](TinyFolder& t) { t.vocab["ca"] = "7"; }, "vocab.json",
       "the id of token \"ca\" must be a non-negative integer"},
      {"vocab.json negative id", [](TinyFolder& t) { t.vocab["ca"] = -1; }, "vocab.json",
       "the id of token \"ca\" must be a non-negative integer"},
      {"no <|endoftext|>", [](TinyFolder& t) { t.vocab.erase("<|endoftext|>"); }, "vocab.json",
       "has no token \"<|endoftext|>\" (the end-of-text token)"},
      {"no byte symbol", [](TinyFolder& t) { t.vocab.erase("!</w>"); }, "vocab.json",
       "lacks the byte symbol \"!</w>\""},
      {"merge line", [](TinyFolder& t) { t.merges = "#version: 0.2\nc a\ncat\n"; }, "merges.txt",
       "line 3: expected two symbols separated by one space, got \"cat\""},
      {"merge three parts", [](TinyFolder& t) { t.merges = "c a t\n"; }, "merges.txt",
       "line 1: expected two symbols"},
      {"merge result", [](TinyFolder& t) { t.merges = "c a\nt a\n"; }, "merges.txt",
       "line 2: the merge \"t a\" makes a token that"},
      {"pad token",
       [](TinyFolder& t) {
         t.special = {{"pad_token", "<pad>"}};
       },
       "vocab.json", "has no token \"<pad>\" (the pad token of special_tokens_map.json)"},
      {"pad token type",
       [](TinyFolder& t) {
         t.special = {{"pad_token", 0}};
       },
       "special_tokens_map.json", "pad_token must be a string or an object"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    TinyFolder tiny;
    c.breakage(tiny);
    const std::string dir = tiny.write();
    const std::string message = error_of([&] { ClipTokenizer::from_folder(dir); });
    EXPECT_NE(message.find(tiny.folder.file(c.file)), std::string::npos) << message;
    EXPECT_NE(message.find(c.detail), std::string::npos) << message;
  }
  TinyFolder missing;
  EXPECT_NE(error_of([&] {
              ClipTokenizer::from_folder(missing.folder.path());
            }).find("cannot open " + missing.folder.file("vocab.json")),
            std::string::npos);
  write_text(missing.folder.file("vocab.json"), missing.vocab.dump());
  EXPECT_NE(error_of([&] {
              ClipTokenizer::from_folder(missing.folder.path());
            }).find("cannot open " + missing.folder.file("merges.txt")),
            std::string::npos);
}

TEST(ClipTokenizerGzip, ErrorsNameTheFile) {
  test::TempFolder folder;
  const std::string real = read_text(clip_vocabulary_gz());
  ASSERT_GT(real.size(), 1000000u);
  std::string damaged = real;
  for (size_t i = 5000; i < 5100; ++i) {
    damaged[i] = static_cast<char>(~damaged[i]);
  }
  write_text(folder.file("cut.gz"), real.substr(0, real.size() / 2));
  write_text(folder.file("damaged.gz"), damaged);
  write_text(folder.file("plain.txt.gz"), "\"bpe_simple_vocab_16e6.txt#version: 0.2\ni n\n");
  write_gzip(folder.file("short.gz"), "header\ni n\nt h\n");
  std::string lines = "header\n";
  for (int i = 0; i < 49000; ++i) {
    lines += i == 20 ? "x y z\n" : "a b\n";
  }
  write_gzip(folder.file("bad_line.gz"), lines);
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"missing.gz", "cannot open CLIP vocabulary file "},
      {"cut.gz", " is a damaged gzip file: it ends early"},
      {"damaged.gz", " is a damaged gzip file: "},
      {"plain.txt.gz", " is not a gzip file"},
      {"short.gz", " has 3 lines; a CLIP vocabulary has 48894 merges after its header line"},
      {"bad_line.gz", " line 22: expected two symbols separated by one space, got \"x y z\""},
  };
  for (const auto& [name, detail] : cases) {
    const std::string message =
        error_of([&] { ClipTokenizer::from_vocabulary_gz(folder.file(name)); });
    EXPECT_NE(message.find(folder.file(name)), std::string::npos) << message;
    EXPECT_NE(message.find(detail), std::string::npos) << message;
  }
}

}  // namespace
}  // namespace emergence
