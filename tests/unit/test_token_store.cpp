// Prepared token stores: widths, round trips, atomic replacement, and the errors of truncated,
// damaged and foreign stores.
#include <filesystem>
#include <fstream>

#include "data/token_store.h"
#include "test_util.h"

namespace recur::test {
namespace {

namespace fs = std::filesystem;

// A store with arrays "small" (1 byte), "ids" (2 bytes) and "offsets" (8 bytes).
void write_sample(const std::string& directory, uint64_t first_id) {
  TokenStoreWriter writer(directory);
  ArrayWriter& small = writer.array("small", 200);
  ArrayWriter& ids = writer.array("ids", 60000);
  ArrayWriter& offsets = writer.array("offsets", uint64_t{1} << 40);
  for (uint64_t i = 0; i < 3000; ++i) {
    small.push(i % 201);
    ids.push(first_id + i * 17 % 50000);
  }
  offsets.push(0);
  offsets.push(uint64_t{1} << 40);
  writer.commit(Json{{"source", "sample"}, {"first_id", first_id}});
}

std::string open_error(const std::string& directory, bool verify) {
  try {
    TokenStore::open(directory, verify);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(TokenStore, WidthIsTheSmallestThatHoldsTheLargestValue) {
  EXPECT_EQ(width_for(0), 1);
  EXPECT_EQ(width_for(255), 1);
  EXPECT_EQ(width_for(256), 2);
  EXPECT_EQ(width_for(65535), 2);
  EXPECT_EQ(width_for(65536), 4);
  EXPECT_EQ(width_for(0xffffffffu), 4);
  EXPECT_EQ(width_for(uint64_t{1} << 32), 8);
}

TEST(TokenStore, ArraysAndMetaComeBackMapped) {
  const std::string dir = (process_temp_dir("token-store") / "train").string();
  write_sample(dir, 5);
  const TokenStore store = TokenStore::open(dir, true);
  EXPECT_EQ(store.meta().at("source"), "sample");
  const UintArray small = store.array("small"), ids = store.array("ids"),
                  offsets = store.array("offsets");
  EXPECT_EQ(small.width(), 1);
  EXPECT_EQ(ids.width(), 2);
  EXPECT_EQ(offsets.width(), 8);
  ASSERT_EQ(ids.size(), 3000);
  for (int64_t i = 0; i < 3000; ++i) {
    ASSERT_EQ(small[i], static_cast<uint64_t>(i % 201));
    ASSERT_EQ(ids[i], 5 + static_cast<uint64_t>(i) * 17 % 50000);
  }
  EXPECT_EQ(offsets[1], uint64_t{1} << 40);
  EXPECT_EQ(fs::file_size(dir + "/ids.u16"), 6000u);
  EXPECT_TRUE(store.has("ids"));
  EXPECT_FALSE(store.has("chars"));
  EXPECT_EQ(open_error(dir, true), "");
  try {
    store.array("chars");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), dir + ": the store has no array 'chars'");
  }
}

TEST(TokenStore, ACommitReplacesTheOldStoreAndAnAbandonedWriterLeavesNothing) {
  const fs::path parent = process_temp_dir("token-store-replace");
  const std::string dir = (parent / "train").string();
  write_sample(dir, 1);
  const TokenStore old_store = TokenStore::open(dir, false);
  write_sample(dir, 2);
  EXPECT_EQ(TokenStore::open(dir, true).meta().at("first_id"), 2);
  EXPECT_EQ(old_store.array("ids")[0], 1u);  // a reader that mapped the old store keeps it
  {
    TokenStoreWriter abandoned((parent / "other").string());
    abandoned.array("ids", 10).push(3);
  }
  std::vector<std::string> left;
  for (const auto& entry : fs::directory_iterator(parent))
    left.push_back(entry.path().filename().string());
  EXPECT_EQ(left, std::vector<std::string>{"train"});
}

TEST(TokenStore, AValueWiderThanItsArrayIsAnError) {
  TokenStoreWriter writer((process_temp_dir("token-store-wide") / "s").string());
  ArrayWriter& ids = writer.array("ids", 255);
  EXPECT_THROW(ids.push(256), Error);
}

TEST(TokenStore, TruncatedDamagedAndForeignStoresAreErrors) {
  const fs::path parent = process_temp_dir("token-store-bad");
  const std::string dir = (parent / "train").string();
  write_sample(dir, 5);
  const std::string ids = dir + "/ids.u16";
  {
    std::fstream file(ids, std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(1000);
    file.put('\x7f');
  }
  EXPECT_EQ(open_error(dir, false), "");  // sizes are checked at every start, hashes on demand
  const std::string damaged = open_error(dir, true);
  EXPECT_TRUE(damaged.starts_with(ids + ": damaged: its content hash is ")) << damaged;
  EXPECT_TRUE(damaged.ends_with(" (prepare the data again)")) << damaged;
  fs::resize_file(ids, 5999);
  EXPECT_EQ(open_error(dir, false),
            ids +
                ": 5999 bytes, the manifest says 6000 (a truncated or damaged store: prepare "
                "the data again)");
  fs::remove(ids);
  EXPECT_EQ(open_error(dir, false), ids + ": missing (prepare the data again)");
  EXPECT_EQ(open_error(parent.string(), false),
            parent.string() + ": not a prepared token store (no manifest.json)");
  write_sample(dir, 5);
  std::ofstream(dir + "/manifest.json") << R"({"format": "recur-token-store", "version": 9})";
  EXPECT_EQ(open_error(dir, false), dir +
                                        "/manifest.json: recur-token-store version 9; this recur "
                                        "reads recur-token-store version 1");
}

// open(): recur::Error, or success; never another exception.
std::string outcome(const std::string& directory) {
  try {
    TokenStore::open(directory, true);
  } catch (const Error& e) {
    return std::string("error: ") + e.what();
  } catch (const std::exception& e) {
    return std::string("UNEXPECTED ") + e.what();
  }
  return "opened";
}

TEST(TokenStore, HostileManifestsAreOneClearError) {
  const std::string dir = (process_temp_dir("token-store-hostile") / "train").string();
  write_sample(dir, 5);
  const std::string manifest = dir + "/manifest.json";
  const std::string entry = R"({"name": "ids", "file": "ids.u16", "width": 2, "count": 3000)";
  const std::vector<std::string> hostile = {
      R"({"format": "recur-token-store", "version": 1, "arrays": [{"name": "x", "file": "../ids.u16", "width": 2, "count": 1, "hash": "0"}], "meta": {}})",
      R"({"format": "recur-token-store", "version": 1, "arrays": [{"name": "x", "file": "/etc/passwd", "width": 1, "count": 1, "hash": "0"}], "meta": {}})",
      R"({"format": "recur-token-store", "version": 1, "arrays": [{"name": "x", "file": "ids.u16", "width": 3, "count": 2000, "hash": "0"}], "meta": {}})",
      R"({"format": "recur-token-store", "version": 1, "arrays": [{"name": "x", "file": "ids.u16", "width": 8, "count": 2305843009213693952, "hash": "0"}], "meta": {}})",
      R"({"format": "recur-token-store", "version": 1, "arrays": [{"name": "x", "file": "ids.u16", "width": 2, "count": -1, "hash": "0"}], "meta": {}})",
      R"({"format": "recur-token-store", "version": 1, "arrays": [)" + entry +
          R"(, "hash": 7}], "meta": {}})",
      R"({"format": "recur-token-store", "version": 1, "arrays": [)" + entry + R"(}], "meta": {}})",
      R"({"format": "recur-token-store", "version": 1, "arrays": ["ids.u16"], "meta": {}})",
      R"({"format": "recur-token-store", "version": 1, "arrays": {"ids": 1}, "meta": {}})",
      R"({"format": "recur-token-store", "version": 1, "arrays": []})",
      R"({"format": "recur-token-store", "version": "1"})",
      R"([1, 2, 3])",
      R"({"format": )",
      ""};
  for (const std::string& text : hostile) {
    std::ofstream(manifest) << text;
    const std::string result = outcome(dir);
    EXPECT_TRUE(result.starts_with("error: ")) << text << "\n -> " << result;
  }
  // An array file that is a link to another file.
  write_sample(dir, 5);
  fs::remove(dir + "/ids.u16");
  fs::create_symlink(dir + "/small.u8", dir + "/ids.u16");
  EXPECT_EQ(outcome(dir), "error: " + dir +
                              "/ids.u16: a symbolic link (a store's arrays are files of its own "
                              "folder)");
  // Bytes of a valid manifest flipped at random (a fixed seed): opened or refused, nothing else.
  write_sample(dir, 5);
  std::string valid;
  {
    std::ifstream in(manifest);
    valid.assign(std::istreambuf_iterator<char>(in), {});
  }
  RandomStream stream(7, RngPurpose::Test, 1);
  for (int trial = 0; trial < 300; ++trial) {
    std::string text = valid;
    for (int flips = 0; flips < 3; ++flips) {
      const auto at =
          static_cast<size_t>(stream.uniform(trial, 2 * flips) * static_cast<float>(text.size()));
      text[std::min(at, text.size() - 1)] =
          static_cast<char>(32 + static_cast<int>(stream.uniform(trial, 2 * flips + 1) * 95));
    }
    std::ofstream(manifest) << text;
    const std::string result = outcome(dir);
    EXPECT_FALSE(result.starts_with("UNEXPECTED")) << text << "\n -> " << result;
  }
}

}  // namespace
}  // namespace recur::test
