#include "store/database_url.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "store/store.h"
#include "store/utc_time.h"

namespace buildhub::store {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(ParseDatabaseUrl, SqlitePaths) {
  struct Case {
    const char* url;
    const char* path;
    bool memory;
  } cases[] = {
      {"sqlite:buildhub.db", "buildhub.db", false},
      {"sqlite:var/data/buildhub.db", "var/data/buildhub.db", false},
      {"sqlite:/abs/path.db", "/abs/path.db", false},
      {"sqlite:///abs/path.db", "/abs/path.db", false},
      {"SQLite:x.db", "x.db", false},
      {"sqlite::memory:", ":memory:", true},
      {"sqlite://:memory:", ":memory:", true},
      {"sqlite:odd name #1 %20.db", "odd name #1 %20.db", false},
  };
  for (const Case& c : cases) {
    auto url = ParseDatabaseUrl(c.url);
    ASSERT_TRUE(url.ok()) << c.url << ": " << url.status().ToString();
    EXPECT_EQ(url->backend, Backend::kSqlite) << c.url;
    EXPECT_EQ(url->sqlite_path, c.path) << c.url;
    EXPECT_EQ(url->sqlite_memory, c.memory) << c.url;
  }
}

TEST(ParseDatabaseUrl, Postgresql) {
  for (const char* text : {"postgresql://u:p@localhost:5432/buildhub2", "postgres://localhost/db",
                           "POSTGRESQL://h/db"}) {
    auto url = ParseDatabaseUrl(text);
    ASSERT_TRUE(url.ok()) << text;
    EXPECT_EQ(url->backend, Backend::kPostgresql);
    EXPECT_EQ(url->postgresql_url, text);
  }
}

TEST(ParseDatabaseUrl, BadUrlsNameTheRedactedUrl) {
  struct Case {
    std::string url;
    const char* why;
  } cases[] = {
      {"", "empty"},
      {"buildhub.db", "did you mean sqlite:buildhub.db"},
      {"mysql://root:hunter2@db/x", "unsupported scheme"},
      {"sqlite:", "path is empty"},
      {"sqlite://host/x.db", "not a host"},
      {"sqlite://", "not a host"},
      {"sqlite:x.db?mode=ro", "query parameters"},
      {std::string("sqlite:x\0y.db", 13), "NUL"},
  };
  for (const Case& c : cases) {
    auto url = ParseDatabaseUrl(c.url);
    ASSERT_FALSE(url.ok()) << c.url;
    EXPECT_EQ(url.status().code(), StatusCode::kInvalidArgument);
    EXPECT_THAT(url.status().message(), HasSubstr(c.why)) << c.url;
    EXPECT_THAT(url.status().message(), Not(HasSubstr("hunter2")));
  }
  auto url = ParseDatabaseUrl("mysql://root:hunter2@db/x");
  EXPECT_THAT(url.status().message(), HasSubstr("mysql://root:***@db/x"));
}

TEST(RedactDatabaseUrl, MasksPasswordsOnly) {
  EXPECT_EQ(RedactDatabaseUrl("postgresql://user:secret@host:5432/db"),
            "postgresql://user:***@host:5432/db");
  EXPECT_EQ(RedactDatabaseUrl("postgres://user@host/db"), "postgres://user@host/db");
  EXPECT_EQ(RedactDatabaseUrl("postgresql://host/db"), "postgresql://host/db");
  EXPECT_EQ(RedactDatabaseUrl("postgresql://u:p@ss/w:rd@host/db"), "postgresql://u:***@host/db");
  EXPECT_EQ(RedactDatabaseUrl("postgresql://host/db?sslmode=require&password=s3cret&x=1"),
            "postgresql://host/db?sslmode=require&password=***&x=1");
  EXPECT_EQ(RedactDatabaseUrl("postgresql://u:a@host/db?PASSWORD=b"),
            "postgresql://u:***@host/db?PASSWORD=***");
  EXPECT_EQ(RedactDatabaseUrl("host=db user=u password=pw dbname=x"),
            "host=db user=u password=*** dbname=x");
  EXPECT_EQ(RedactDatabaseUrl("sqlite:/var/lib/buildhub.db"), "sqlite:/var/lib/buildhub.db");
  EXPECT_EQ(RedactDatabaseUrl("sqlite::memory:"), "sqlite::memory:");
  EXPECT_EQ(RedactDatabaseUrl(""), "");
  EXPECT_EQ(RedactDatabaseUrl("postgresql://u:@host/db"), "postgresql://u:***@host/db");
}

TEST(OpenStore, PostgresqlIsNotBuiltYetAndTheErrorHidesThePassword) {
  auto store = OpenStore("postgresql://buildhub:hunter2@127.0.0.1:1/buildhub");
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(store.status().message(), HasSubstr("PostgreSQL support is not built yet"));
  EXPECT_THAT(store.status().message(), HasSubstr("postgresql://buildhub:***@127.0.0.1:1/buildhub"));
  EXPECT_THAT(store.status().message(), Not(HasSubstr("hunter2")));
}

TEST(OpenStore, BadUrlIsInvalidArgument) {
  auto store = OpenStore("nonsense");
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(store.status().message(), HasSubstr("nonsense"));
}

TEST(UtcTime, FormatsMicrosecondsInUtc) {
  using namespace std::chrono;
  system_clock::time_point t{seconds(1764323073) + microseconds(123456)};
  EXPECT_EQ(FormatUtcMicros(t), "2025-11-28T09:44:33.123456Z");
  EXPECT_EQ(FormatUtcMicros(system_clock::time_point{}), "1970-01-01T00:00:00.000000Z");
  EXPECT_EQ(FormatUtcMicros(system_clock::time_point{microseconds(-1)}),
            "1969-12-31T23:59:59.999999Z");
  EXPECT_EQ(NowUtcMicros().size(), 27u);
}

}  // namespace
}  // namespace buildhub::store
