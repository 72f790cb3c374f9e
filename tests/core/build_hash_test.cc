#include "core/build_hash.h"

#include <gtest/gtest.h>

#include "core/json.h"
#include "support/fixtures.h"

namespace buildhub {
namespace {

// Every vector of reference/hash-vectors.json: the canonical serialisation
// and the hash must both match the original byte for byte.
TEST(BuildHash, ReproducesEveryReferenceVector) {
  auto vectors = json::Parse(testing::ReadFileOrDie(testing::SharedReference("hash-vectors.json")));
  ASSERT_TRUE(vectors.ok()) << vectors.status().message();
  const json::Value* list = vectors->find("vectors");
  ASSERT_NE(list, nullptr);
  ASSERT_GE(list->items().size(), 9u);
  for (const json::Value& vector : list->items()) {
    json::Value document;
    std::string name;
    if (const json::Value* file = vector.find("file")) {
      name = file->text();
      auto parsed = json::Parse(testing::ReadFileOrDie(testing::SharedReference(file->text())));
      ASSERT_TRUE(parsed.ok()) << name << ": " << parsed.status().message();
      document = std::move(*parsed);
    } else {
      name = vector.find("case")->text();
      document = *vector.find("document");
    }
    EXPECT_EQ(json::WritePythonCanonical(document), vector.find("canonical")->text()) << name;
    EXPECT_EQ(BuildHash(document), vector.find("build_hash")->text()) << name;
  }
}

TEST(BuildHash, BetaCopyOfReleaseSample) {
  auto doc = json::Parse(testing::ReadFileOrDie(
      testing::SharedReference("samples/valid-buildhub-release-channel.json")));
  ASSERT_TRUE(doc.ok());
  doc->find("target")->set("channel", json::Value::String("beta"));
  EXPECT_EQ(BuildHash(*doc), "v1:05d126393410706e52b4af23712038d5");
}

}  // namespace
}  // namespace buildhub
