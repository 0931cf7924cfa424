#include "core/text/clip_vocabulary.h"

#include <zlib.h>

#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/error.h"
#include "core/text/clip_byte_map.h"

namespace emergence {

namespace detail {

// simple_tokenizer.py keeps merges[1:49152-256-2+1]: a vocabulary of 49,152 less the 256 byte
// symbols, their 256 "</w>" forms and the two special tokens.
constexpr size_t kClipMergeCount = 49152 - 256 - 2;
// The real file inflates to 3.2 MB; more than this is not a vocabulary.
constexpr size_t kClipMaxInflatedBytes = 64u << 20;

std::string clip_read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw Error("cannot open CLIP vocabulary file " + path);
  }
  in.seekg(0, std::ios::end);
  if (static_cast<uint64_t>(in.tellg()) > kClipMaxInflatedBytes) {
    throw Error(path + " is larger than any CLIP vocabulary");
  }
  in.seekg(0);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::string clip_inflate_gzip(const std::string& compressed, const std::string& path) {
  if (compressed.size() < 2 || static_cast<uint8_t>(compressed[0]) != 0x1F ||
      static_cast<uint8_t>(compressed[1]) != 0x8B) {
    throw Error(path + " is not a gzip file");
  }
  z_stream stream{};
  if (inflateInit2(&stream, 16 + MAX_WBITS) != Z_OK) {
    throw Error("cannot start zlib to read " + path);
  }
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
  stream.avail_in = static_cast<uInt>(compressed.size());
  std::string out;
  int status = Z_OK;
  while (status == Z_OK && out.size() <= kClipMaxInflatedBytes) {
    char buffer[1 << 16];
    stream.next_out = reinterpret_cast<Bytef*>(buffer);
    stream.avail_out = sizeof buffer;
    status = inflate(&stream, Z_NO_FLUSH);
    out.append(buffer, sizeof buffer - stream.avail_out);
  }
  const std::string message = stream.msg ? stream.msg : "";
  inflateEnd(&stream);
  if (out.size() > kClipMaxInflatedBytes) {
    throw Error(path + " inflates to more than " + std::to_string(kClipMaxInflatedBytes >> 20) +
                " MiB, which is no CLIP vocabulary");
  }
  if (status != Z_STREAM_END) {
    throw Error(path + " is a damaged gzip file: " +
                (message.empty() ? std::string("it ends early") : message));
  }
  return out;
}

std::vector<std::string> clip_split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') {
      line.pop_back();
    }
    lines.push_back(std::move(line));
  }
  return lines;
}

// "first second" as a pair; anything else names the file and its 1-based line.
std::pair<std::string, std::string> clip_parse_merge(const std::string& line,
                                                     const std::string& path, size_t index) {
  const size_t space = line.find(' ');
  if (space == std::string::npos || space == 0 || space + 1 == line.size() ||
      line.find(' ', space + 1) != std::string::npos) {
    throw Error(path + " line " + std::to_string(index + 1) +
                ": expected two symbols separated by one space, got \"" + line.substr(0, 60) +
                "\"");
  }
  return {line.substr(0, space), line.substr(space + 1)};
}

nlohmann::json clip_read_json(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw Error("cannot open " + path);
  }
  try {
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::parse_error& error) {
    throw Error(path + " is not valid JSON (at byte " + std::to_string(error.byte) + ")");
  }
}

// A special token as special_tokens_map.json writes it: "text" or {"content": "text", ...}.
std::optional<std::string> clip_special_token(const nlohmann::json& map, const char* key,
                                              const std::string& path) {
  if (!map.contains(key) || map[key].is_null()) {
    return std::nullopt;
  }
  const nlohmann::json& value = map[key];
  if (value.is_string()) {
    return value.get<std::string>();
  }
  if (value.is_object() && value.contains("content") && value["content"].is_string()) {
    return value["content"].get<std::string>();
  }
  throw Error(path + ": " + key + " must be a string or an object with a string \"content\"");
}

}  // namespace detail

ClipVocabulary read_clip_vocabulary_gz(const std::string& path) {
  using namespace detail;
  const std::vector<std::string> lines =
      clip_split_lines(clip_inflate_gzip(clip_read_file(path), path));
  if (lines.size() < kClipMergeCount + 1) {
    throw Error(path + " has " + std::to_string(lines.size()) + " lines; a CLIP vocabulary has " +
                std::to_string(kClipMergeCount) + " merges after its header line");
  }
  ClipVocabulary vocabulary;
  vocabulary.vocab_file = path;
  for (size_t i = 1; i <= kClipMergeCount; ++i) {
    vocabulary.merges.push_back(clip_parse_merge(lines[i], path, i));
  }
  // The order of SimpleTokenizer.__init__: bytes, bytes + "</w>", merges, special tokens.
  std::vector<std::string> tokens;
  for (const std::string& symbol : clip_byte_symbols_in_vocabulary_order()) {
    tokens.push_back(symbol);
  }
  for (const std::string& symbol : clip_byte_symbols_in_vocabulary_order()) {
    tokens.push_back(symbol + "</w>");
  }
  for (const auto& [first, second] : vocabulary.merges) {
    tokens.push_back(first + second);
  }
  tokens.push_back(vocabulary.bos_token);
  tokens.push_back(vocabulary.eos_token);
  // dict(zip(vocab, range(...))): a token listed twice keeps its last id.
  for (size_t id = 0; id < tokens.size(); ++id) {
    vocabulary.ids[tokens[id]] = static_cast<int64_t>(id);
  }
  return vocabulary;
}

ClipVocabulary read_clip_tokenizer_folder(const std::string& dir) {
  using namespace detail;
  ClipVocabulary vocabulary;
  const std::string vocab_path = dir + "/vocab.json";
  vocabulary.vocab_file = vocab_path;
  const nlohmann::json vocab = clip_read_json(vocab_path);
  if (!vocab.is_object()) {
    throw Error(vocab_path + " must be a JSON object of token -> id");
  }
  for (const auto& [token, id] : vocab.items()) {
    if (!id.is_number_integer() || id.get<int64_t>() < 0) {
      throw Error(vocab_path + ": the id of token \"" + token.substr(0, 60) +
                  "\" must be a non-negative integer");
    }
    vocabulary.ids[token] = id.get<int64_t>();
  }
  const std::string merges_path = dir + "/merges.txt";
  std::ifstream merges_in(merges_path, std::ios::binary);
  if (!merges_in) {
    throw Error("cannot open " + merges_path);
  }
  const std::vector<std::string> lines = clip_split_lines(
      std::string(std::istreambuf_iterator<char>(merges_in), std::istreambuf_iterator<char>()));
  for (size_t i = 0; i < lines.size(); ++i) {
    // transformers skips the "#version: 0.2" header; a blank last line is the file's end.
    if ((i == 0 && lines[i].rfind("#version", 0) == 0) ||
        (lines[i].empty() && i + 1 == lines.size())) {
      continue;
    }
    vocabulary.merges.push_back(clip_parse_merge(lines[i], merges_path, i));
    const auto& [first, second] = vocabulary.merges.back();
    if (!vocabulary.ids.count(first + second)) {
      throw Error(merges_path + " line " + std::to_string(i + 1) + ": the merge \"" + first + " " +
                  second + "\" makes a token that " + vocab_path + " does not have");
    }
  }
  for (const std::string& symbol : clip_byte_symbols_in_vocabulary_order()) {
    for (const std::string& token : {symbol, symbol + "</w>"}) {
      if (!vocabulary.ids.count(token)) {
        throw Error(vocab_path + " lacks the byte symbol \"" + token +
                    "\" that every CLIP vocabulary has");
      }
    }
  }
  const std::string special_path = dir + "/special_tokens_map.json";
  if (std::ifstream(special_path).good()) {
    const nlohmann::json special = clip_read_json(special_path);
    if (!special.is_object()) {
      throw Error(special_path + " must be a JSON object");
    }
    vocabulary.bos_token =
        clip_special_token(special, "bos_token", special_path).value_or(vocabulary.bos_token);
    vocabulary.eos_token =
        clip_special_token(special, "eos_token", special_path).value_or(vocabulary.eos_token);
    vocabulary.pad_token = clip_special_token(special, "pad_token", special_path);
  }
  const std::pair<std::optional<std::string>, const char*> needed[] = {
      {vocabulary.bos_token, "start-of-text token"},
      {vocabulary.eos_token, "end-of-text token"},
      {vocabulary.pad_token, "pad token of special_tokens_map.json"}};
  for (const auto& [token, role] : needed) {
    if (token && !vocabulary.ids.count(*token)) {
      throw Error(vocab_path + " has no token \"" + *token + "\" (the " + role + ")");
    }
  }
  return vocabulary;
}

}  // namespace emergence
