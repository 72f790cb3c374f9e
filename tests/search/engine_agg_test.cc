// Aggregations on the ten-build corpus, with hand-computed answers.
#include "engine_fixture.h"

namespace buildhub::search::testing {
namespace {

using BucketList = std::vector<std::pair<std::string, int64_t>>;

class Aggs : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { engine_ = EngineOf(StandardCorpus()).release(); }
  static void TearDownTestSuite() {
    delete engine_;
    engine_ = nullptr;
  }
  // Runs {"size": 0, "aggs": {"a": <agg>}} (plus an optional query) and returns aggregations.a.
  static json::Value Run(const std::string& agg, const std::string& query = "") {
    std::string body = R"({"size": 0, )" + (query.empty() ? "" : "\"query\": " + query + ", ") +
                       R"("aggs": {"a": )" + agg + "}}";
    json::Value r = SearchOk(*engine_, body);
    return Agg(r, "a");
  }
  static std::string Error(const std::string& agg) {
    return ErrorMessage(SearchError(*engine_, R"({"size": 0, "aggs": {"a": )" + agg + "}}"));
  }
  static Engine* engine_;
};
Engine* Aggs::engine_ = nullptr;

TEST_F(Aggs, TermsDefaultOrderIsCountThenKey) {
  json::Value a = Run(R"({"terms": {"field": "target.channel"}})");
  EXPECT_EQ(json::Write(a),
            R"({"doc_count_error_upper_bound":0,"sum_other_doc_count":0,"buckets":[{"key":"release","doc_count":6},)"
            R"({"key":"beta","doc_count":2},{"key":"aurora","doc_count":1},{"key":"nightly","doc_count":1}]})");
}

TEST_F(Aggs, TermsSizeAndSumOther) {
  json::Value a = Run(R"({"terms": {"field": "target.channel", "size": 2}})");
  EXPECT_EQ(Buckets(a), (BucketList{{"release", 6}, {"beta", 2}}));
  EXPECT_EQ(a.find("sum_other_doc_count")->as_int64(), 2);
  EXPECT_EQ(Error(R"({"terms": {"field": "target.channel", "size": 0}})"),
            "[size] must be greater than 0. Found [0] in [a]");
}

TEST_F(Aggs, TermsOrders) {
  EXPECT_EQ(Buckets(Run(R"({"terms": {"field": "target.channel", "order": {"_key": "asc"}}})")),
            (BucketList{{"aurora", 1}, {"beta", 2}, {"nightly", 1}, {"release", 6}}));
  EXPECT_EQ(Buckets(Run(R"({"terms": {"field": "target.channel", "order": {"_term": "desc"}}})")),
            (BucketList{{"release", 6}, {"nightly", 1}, {"beta", 2}, {"aurora", 1}}));
  EXPECT_EQ(Buckets(Run(R"({"terms": {"field": "target.channel", "order": [{"_count": "desc"}, {"_key": "desc"}]}})")),
            (BucketList{{"release", 6}, {"beta", 2}, {"nightly", 1}, {"aurora", 1}}));
  EXPECT_EQ(Buckets(Run(R"({"terms": {"field": "target.channel", "order": {"_count": "asc"}}})")),
            (BucketList{{"aurora", 1}, {"nightly", 1}, {"beta", 2}, {"release", 6}}));
  EXPECT_EQ(Buckets(Run(R"({"terms": {"field": "target.channel", "order": {"max_size": "desc"}},
                            "aggs": {"max_size": {"max": {"field": "download.size"}}}})")),
            (BucketList{{"aurora", 1}, {"beta", 2}, {"nightly", 1}, {"release", 6}}));
  EXPECT_EQ(Buckets(Run(R"({"terms": {"field": "target.channel", "order": {"s.min": "asc"}},
                            "aggs": {"s": {"stats": {"field": "download.size"}}}})")),
            (BucketList{{"release", 6}, {"beta", 2}, {"nightly", 1}, {"aurora", 1}}));
  EXPECT_EQ(Buckets(Run(R"({"terms": {"field": "target.channel", "order": {"f>m": "desc"}},
                            "aggs": {"f": {"filter": {"term": {"target.locale": "en-US"}},
                                           "aggs": {"m": {"max": {"field": "download.size"}}}}}})")),
            (BucketList{{"beta", 2}, {"nightly", 1}, {"release", 6}, {"aurora", 1}}));  // aurora: no en-US, -inf
  EXPECT_EQ(Buckets(Run(R"({"terms": {"field": "target.channel", "order": {"f": "asc"}},
                            "aggs": {"f": {"filter": {"term": {"target.locale": "en-US"}}}}})")),
            (BucketList{{"aurora", 1}, {"nightly", 1}, {"beta", 2}, {"release", 6}}));
  std::string e = Error(R"({"terms": {"field": "target.channel", "order": {"nope": "desc"}}})");
  EXPECT_EQ(e, "Invalid aggregation order path [nope]. Unknown aggregation [nope]");
  e = Error(R"({"terms": {"field": "target.channel", "order": {"s": "desc"}},
                "aggs": {"s": {"stats": {"field": "download.size"}}}})");
  EXPECT_NE(e.find("a metric name must be specified"), std::string::npos) << e;
  // A percentile named in the path: any in [0, 100], others a 400 (found by
  // hand while hunting float-to-int casts: 1e300 used to index past the end).
  EXPECT_EQ(Buckets(Run(R"({"terms": {"field": "target.channel", "order": {"p.100": "asc"}},
                            "aggs": {"p": {"percentiles": {"field": "download.size"}}}})")),
            (BucketList{{"release", 6}, {"nightly", 1}, {"beta", 2}, {"aurora", 1}}));  // by max, as above
  for (const char* path : {"p.1e300", "p.-5", "p.nan", "p.x"}) {
    e = Error(std::string(R"({"terms": {"field": "target.channel", "order": {")") + path +
              R"(": "asc"}}, "aggs": {"p": {"percentiles": {"field": "download.size"}}}})");
    EXPECT_NE(e.find("must be a number in [0, 100]"), std::string::npos) << path << ": " << e;
  }
}

TEST_F(Aggs, TermsIncludeExclude) {
  EXPECT_EQ(Buckets(Run(R"({"terms": {"field": "target.channel", "include": "r.*|b.*"}})")),
            (BucketList{{"release", 6}, {"beta", 2}}));
  EXPECT_EQ(Buckets(Run(R"({"terms": {"field": "target.channel", "exclude": ["release"]}})")),
            (BucketList{{"beta", 2}, {"aurora", 1}, {"nightly", 1}}));
  EXPECT_EQ(Buckets(Run(R"({"terms": {"field": "target.channel", "include": ["beta", "nightly", "x"]}})")),
            (BucketList{{"beta", 2}, {"nightly", 1}}));
  EXPECT_EQ(Buckets(Run(R"({"terms": {"field": "target.channel", "include": ".*a.*", "exclude": "b.*"}})")),
            (BucketList{{"release", 6}, {"aurora", 1}}));
  // The page's autosuggest pattern.
  EXPECT_EQ(Buckets(Run(R"({"terms": {"field": "target.version", "include": "([a-zA-Z]+ )+?60\\.0.*",
                                      "order": {"_term": "desc"}}})")),
            (BucketList{{"60.0.2", 1}, {"60.0.1", 1}, {"60.0", 3}}));
  // Partitions split the terms without overlap.
  size_t total = 0;
  for (int p = 0; p < 3; ++p) {
    total += Buckets(Run(R"({"terms": {"field": "target.channel", "include": {"partition": )" + std::to_string(p) +
                         R"(, "num_partitions": 3}}})"))
                 .size();
  }
  EXPECT_EQ(total, 4u);
  EXPECT_NE(Error(R"({"terms": {"field": "download.size", "include": "1.*"}})")
                .find("cannot support regular expression style include/exclude settings"),
            std::string::npos);
  EXPECT_EQ(Buckets(Run(R"({"terms": {"field": "download.size", "include": [1000, 6000]}})")),
            (BucketList{{"1000", 1}, {"6000", 1}}));
}

TEST_F(Aggs, TermsMinDocCountAndMissing) {
  EXPECT_EQ(Buckets(Run(R"({"terms": {"field": "target.channel", "min_doc_count": 2}})")),
            (BucketList{{"release", 6}, {"beta", 2}}));
  EXPECT_EQ(Buckets(Run(R"({"terms": {"field": "target.channel", "min_doc_count": 0}})",
                        R"({"term": {"target.channel": "beta"}})")),
            (BucketList{{"beta", 2}, {"aurora", 0}, {"nightly", 0}, {"release", 0}}));
  EXPECT_EQ(Buckets(Run(R"({"terms": {"field": "build.cc.keyword", "missing": "none"}})")),
            (BucketList{{"none", 8},
                        {"/builds/worker/workspace/build/src/clang/bin/clang -std=gnu99", 1},
                        {"/builds/worker/workspace/build/src/clang/bin/clang -target x86_64-apple-darwin11 -std=gnu99", 1}}));
  EXPECT_EQ(Buckets(Run(R"({"terms": {"field": "build.number", "missing": 1}})")),
            (BucketList{{"1", 9}, {"3", 1}}));
}

TEST_F(Aggs, TermsOnNumbersAndDates) {
  json::Value a = Run(R"({"terms": {"field": "build.number"}})");
  EXPECT_EQ(json::Write(*a.find("buckets")), R"([{"key":1,"doc_count":2},{"key":3,"doc_count":1}])");
  a = Run(R"({"terms": {"field": "build.date", "size": 2}})");
  EXPECT_EQ(json::Write(*a.find("buckets")),
            R"([{"key":1525357889000,"key_as_string":"2018-05-03T14:31:29.000Z","doc_count":2},)"
            R"({"key":1525968425000,"key_as_string":"2018-05-10T16:07:05.000Z","doc_count":2}])");
  EXPECT_EQ(a.find("sum_other_doc_count")->as_int64(), 6);
}

TEST_F(Aggs, TermsErrors) {
  EXPECT_EQ(Error(R"({"terms": {"field": "build.target"}})"),
            "Fielddata is disabled on text fields by default. Set fielddata=true on [build.target] in order to load "
            "fielddata in memory by uninverting the inverted index. Note that this can however use significant "
            "memory. Alternatively use a keyword field instead.");
  EXPECT_TRUE(Buckets(Run(R"({"terms": {"field": "no.such"}})")).empty());
  EXPECT_EQ(Error(R"({"terms": {"size": 3}})"), "Required one of fields [field, script], but none were specified. ");
  EXPECT_EQ(Error(R"({"terms": {"field": "target.os", "bogus": 1}})"), "Unknown key for a VALUE in [a]: [bogus].");
}

TEST_F(Aggs, SubAggregationsAtDepth) {
  json::Value a = Run(R"({"terms": {"field": "source.product", "size": 2},
      "aggs": {"channels": {"terms": {"field": "target.channel"},
                            "aggs": {"biggest": {"max": {"field": "download.size"}}}}}})");
  const auto& b = a.find("buckets")->items();
  ASSERT_EQ(b.size(), 2u);
  EXPECT_EQ(b[0].find("key")->text(), "firefox");
  EXPECT_EQ(json::Write(*b[0].find("channels")->find("buckets")),
            R"([{"key":"release","doc_count":4,"biggest":{"value":6000.0}},)"
            R"({"key":"beta","doc_count":2,"biggest":{"value":63655677.0}},)"
            R"({"key":"nightly","doc_count":1,"biggest":{"value":8000.0}}])");
  EXPECT_EQ(b[1].find("key")->text(), "devedition");
}

TEST_F(Aggs, FilterFiltersGlobalMissing) {
  json::Value r = SearchOk(*engine_, R"({"size": 0, "query": {"term": {"target.channel": "beta"}}, "aggs": {
      "g": {"global": {}, "aggs": {"c": {"value_count": {"field": "target.version"}}}},
      "f": {"filter": {"term": {"source.product": "firefox"}}},
      "fs": {"filters": {"filters": {"rel": {"term": {"target.channel": "release"}},
                                     "beta": {"term": {"target.channel": "beta"}}}, "other_bucket": true}},
      "anon": {"filters": {"filters": [{"term": {"target.os": "mac"}}, {"term": {"target.os": "linux"}}]}},
      "m": {"missing": {"field": "build.number"}}}})");
  EXPECT_EQ(Total(r), 2);
  EXPECT_EQ(json::Write(Agg(r, "g")), R"({"doc_count":10,"c":{"value":10}})");
  EXPECT_EQ(json::Write(Agg(r, "f")), R"({"doc_count":2})");
  EXPECT_EQ(json::Write(Agg(r, "fs")),
            R"({"buckets":{"beta":{"doc_count":2},"rel":{"doc_count":0},"_other_":{"doc_count":0}}})");
  EXPECT_EQ(json::Write(Agg(r, "anon")), R"({"buckets":[{"doc_count":1},{"doc_count":1}]})");
  EXPECT_EQ(json::Write(Agg(r, "m")), R"({"doc_count":1})");
}

TEST_F(Aggs, Metrics) {
  std::string body = R"({"size": 0, "aggs": {
      "min": {"min": {"field": "download.size"}}, "max": {"max": {"field": "download.size"}},
      "sum": {"sum": {"field": "download.size"}}, "avg": {"avg": {"field": "download.size"}},
      "count": {"value_count": {"field": "download.size"}}, "card": {"cardinality": {"field": "target.locale"}},
      "stats": {"stats": {"field": "build.number"}},
      "pct": {"percentiles": {"field": "download.size", "percents": [50, 100]}},
      "first": {"min": {"field": "build.date"}},
      "none": {"max": {"field": "build.number"}}, "nosum": {"sum": {"field": "no.such"}}}})";
  json::Value r = SearchOk(*engine_, body);
  EXPECT_EQ(json::Write(Agg(r, "min")), R"({"value":1000.0})");
  EXPECT_EQ(json::Write(Agg(r, "max")), R"({"value":64504466.0})");
  EXPECT_EQ(json::Write(Agg(r, "sum")), R"({"value":128196143.0})");
  EXPECT_EQ(json::Write(Agg(r, "avg")), R"({"value":12819614.3})");
  EXPECT_EQ(json::Write(Agg(r, "count")), R"({"value":10})");
  EXPECT_EQ(json::Write(Agg(r, "card")), R"({"value":4})");
  EXPECT_EQ(json::Write(Agg(r, "stats")), R"({"count":3,"min":1.0,"max":3.0,"avg":1.6666666666666667,"sum":5.0})");
  EXPECT_EQ(json::Write(Agg(r, "pct")), R"({"values":{"50.0":5500.0,"100.0":64504466.0}})");
  EXPECT_EQ(json::Write(Agg(r, "first")), R"({"value":1499976329000.0,"value_as_string":"2017-07-13T20:05:29.000Z"})");
  EXPECT_EQ(json::Write(Agg(r, "none")), R"({"value":3.0})");
  EXPECT_EQ(json::Write(Agg(r, "nosum")), R"({"value":0.0})");
  // Empty sets.
  r = SearchOk(*engine_, R"({"size": 0, "query": {"match_none": {}}, "aggs": {
      "min": {"min": {"field": "download.size"}}, "avg": {"avg": {"field": "download.size"}},
      "sum": {"sum": {"field": "download.size"}}, "stats": {"stats": {"field": "download.size"}},
      "ext": {"extended_stats": {"field": "download.size"}}}})");
  EXPECT_EQ(json::Write(Agg(r, "min")), R"({"value":null})");
  EXPECT_EQ(json::Write(Agg(r, "avg")), R"({"value":null})");
  EXPECT_EQ(json::Write(Agg(r, "sum")), R"({"value":0.0})");
  EXPECT_EQ(json::Write(Agg(r, "stats")), R"({"count":0,"min":null,"max":null,"avg":null,"sum":0.0})");
  EXPECT_EQ(json::Write(Agg(r, "ext")),
            R"({"count":0,"min":null,"max":null,"avg":null,"sum":0.0,"sum_of_squares":null,"variance":null,)"
            R"("std_deviation":null,"std_deviation_bounds":{"upper":null,"lower":null}})");
}

TEST_F(Aggs, ExtendedStats) {
  json::Value a = Run(R"({"extended_stats": {"field": "build.number"}})");
  EXPECT_EQ(a.find("count")->as_int64(), 3);
  EXPECT_EQ(a.find("sum_of_squares")->text(), "11.0");
  EXPECT_NEAR(a.find("variance")->as_double(), 11.0 / 3 - (5.0 / 3) * (5.0 / 3), 1e-12);
  EXPECT_NE(a.find("std_deviation_bounds")->find("upper"), nullptr);
}

TEST_F(Aggs, MetricErrors) {
  EXPECT_EQ(Error(R"({"min": {"field": "target.version"}})"),
            "Expected numeric type on field [target.version], but got [keyword]");
  EXPECT_EQ(Error(R"({"max": {"field": "download.size"}, "aggs": {"x": {"min": {"field": "download.size"}}}})"),
            "Aggregator [a] of type [max] cannot accept sub-aggregations");
  EXPECT_EQ(Error(R"({"cardinality": {"field": "build.cc"}})").rfind("Fielddata is disabled on text fields", 0), 0u);
  EXPECT_EQ(Error(R"({"avg": {"script": "doc['x'].value"}})"),
            "scripts are not supported (aggregation [a]): this service does not run scripts");
  EXPECT_EQ(Error(R"({"significant_terms": {"field": "target.os"}})"),
            "aggregation type [significant_terms] (in [a]) is not supported by this service");
}

TEST_F(Aggs, DateHistogram) {
  json::Value a = Run(R"({"date_histogram": {"field": "build.date", "interval": "month", "min_doc_count": 1}})");
  EXPECT_EQ(json::Write(*a.find("buckets")),
            R"([{"key_as_string":"2017-07-01T00:00:00.000Z","key":1498867200000,"doc_count":1},)"
            R"({"key_as_string":"2018-05-01T00:00:00.000Z","key":1525132800000,"doc_count":6},)"
            R"({"key_as_string":"2018-06-01T00:00:00.000Z","key":1527811200000,"doc_count":1},)"
            R"({"key_as_string":"2019-06-01T00:00:00.000Z","key":1559347200000,"doc_count":1},)"
            R"({"key_as_string":"2019-07-01T00:00:00.000Z","key":1561939200000,"doc_count":1}])");
  // min_doc_count 0 (the default) fills the gaps: July 2017 to July 2019.
  a = Run(R"({"date_histogram": {"field": "build.date", "interval": "1M", "format": "yyyy-MM"}})");
  const auto& buckets = a.find("buckets")->items();
  ASSERT_EQ(buckets.size(), 25u);
  EXPECT_EQ(buckets[0].find("key_as_string")->text(), "2017-07");
  EXPECT_EQ(buckets[1].find("doc_count")->as_int64(), 0);
  EXPECT_EQ(buckets[24].find("key_as_string")->text(), "2019-07");
  a = Run(R"({"date_histogram": {"field": "build.date", "calendar_interval": "year", "format": "yyyy",
                                 "keyed": true}})");
  EXPECT_EQ(json::Write(*a.find("buckets")),
            R"({"2017":{"key_as_string":"2017","key":1483228800000,"doc_count":1},)"
            R"("2018":{"key_as_string":"2018","key":1514764800000,"doc_count":7},)"
            R"("2019":{"key_as_string":"2019","key":1546300800000,"doc_count":2}})");
  a = Run(R"({"date_histogram": {"field": "download.date", "interval": "day", "time_zone": "+02:00",
                                 "min_doc_count": 1, "order": {"_key": "desc"}}})");
  EXPECT_EQ(json::Write(a.find("buckets")->items()[0]),
            R"({"key_as_string":"2019-07-16T00:00:00.000+02:00","key":1563228000000,"doc_count":1})");
  a = Run(R"({"date_histogram": {"field": "build.date", "interval": "year", "min_doc_count": 0,
                                 "extended_bounds": {"min": "2016-01-01", "max": "2020-06-01"}}})");
  EXPECT_EQ(a.find("buckets")->size(), 5u);
  EXPECT_EQ(Error(R"({"date_histogram": {"field": "build.date", "interval": "fortnight"}})").empty(), false);
  // A second-wide histogram over two years would be millions of buckets.
  std::string e = Error(R"({"date_histogram": {"field": "build.date", "interval": "1s"}})");
  EXPECT_EQ(e.rfind("Trying to create too many buckets. Must be less than or equal to: [10000] but was [", 0), 0u) << e;
}

TEST_F(Aggs, Histogram) {
  json::Value a = Run(R"({"histogram": {"field": "download.size", "interval": 2000, "min_doc_count": 1}})");
  EXPECT_EQ(json::Write(*a.find("buckets")),
            R"([{"key":0.0,"doc_count":1},{"key":2000.0,"doc_count":2},{"key":4000.0,"doc_count":2},)"
            R"({"key":6000.0,"doc_count":2},{"key":8000.0,"doc_count":1},{"key":63654000.0,"doc_count":1},)"
            R"({"key":64504000.0,"doc_count":1}])");
  a = Run(R"({"histogram": {"field": "build.number", "interval": 1}})");
  EXPECT_EQ(json::Write(*a.find("buckets")),
            R"([{"key":1.0,"doc_count":2},{"key":2.0,"doc_count":0},{"key":3.0,"doc_count":1}])");
  std::string e = Error(R"({"histogram": {"field": "download.size", "interval": 2000}})");
  EXPECT_EQ(e.rfind("Trying to create too many buckets.", 0), 0u) << e;
  EXPECT_EQ(Error(R"({"histogram": {"field": "download.size", "interval": 0}})"),
            "[interval] must be >0 for histogram aggregation [a]");
  EXPECT_EQ(Error(R"({"histogram": {"field": "target.version", "interval": 1}})"),
            "Field [target.version] of type [keyword] is not supported for aggregation [histogram]");
  // Extended bounds the wrong way round (a CI fuzzing find, on an unmapped
  // field: 1e300 - -1e300 buckets overflowed the loop count).
  for (const char* field : {"download.size", "no.such.field"}) {
    EXPECT_EQ(Error(std::string(R"({"histogram": {"field": ")") + field +
                    R"(", "interval": 3, "min_doc_count": 0, "extended_bounds": {"min": 1e300, "max": -1e300}}})"),
              "maxBound [-1.0E300] must be greater than minBound [1.0E300]");
  }
  EXPECT_EQ(Error(R"({"date_histogram": {"field": "build.date", "interval": "day", "min_doc_count": 0,
                      "extended_bounds": {"min": "2019-01-02", "max": "2019-01-01"}}})"),
            "[extended_bounds.min][1546387200000] cannot be greater than [extended_bounds.max][1546300800000] for "
            "histogram [a]");
  // Far-apart bounds stop at the bucket cap before building a bucket too many.
  e = Error(R"({"date_histogram": {"field": "build.date", "interval": "1ms", "min_doc_count": 0, "offset": 5,
                "extended_bounds": {"min": -99999999999999, "max": 99999999999999}}})");
  EXPECT_EQ(e.rfind("Trying to create too many buckets.", 0), 0u) << e;
  EXPECT_EQ(Error(R"({"date_histogram": {"field": "build.date", "interval": "day", "offset": "+99999999999d"}})"),
            "offset [+99999999999d] is out of range");
}

TEST_F(Aggs, Ranges) {
  json::Value a = Run(R"({"range": {"field": "download.size", "ranges": [{"from": 8000}, {"to": 3000},
                                                                     {"from": 3000, "to": 8000, "key": "mid"}]}})");
  EXPECT_EQ(json::Write(*a.find("buckets")),
            R"([{"key":"*-3000.0","to":3000.0,"doc_count":2},{"key":"mid","from":3000.0,"to":8000.0,"doc_count":5},)"
            R"({"key":"8000.0-*","from":8000.0,"doc_count":3}])");
  a = Run(R"({"range": {"field": "download.size", "keyed": true, "ranges": [{"to": 3000}]}})");
  EXPECT_EQ(json::Write(*a.find("buckets")), R"({"*-3000.0":{"to":3000.0,"doc_count":2}})");
  a = Run(R"({"date_range": {"field": "build.date", "ranges": [{"to": "2018-01-01"}, {"from": "2018-01-01"}]}})");
  EXPECT_EQ(json::Write(*a.find("buckets")),
            R"([{"key":"*-2018-01-01T00:00:00.000Z","to":1514764800000.0,"to_as_string":"2018-01-01T00:00:00.000Z",)"
            R"("doc_count":1},{"key":"2018-01-01T00:00:00.000Z-*","from":1514764800000.0,)"
            R"("from_as_string":"2018-01-01T00:00:00.000Z","doc_count":9}])");
  a = Run(R"({"date_range": {"field": "build.date", "format": "yyyy", "ranges": [{"from": "2019", "to": "now"}]}})");
  EXPECT_EQ(json::Write(*a.find("buckets")),
            R"([{"key":"2019-2019","from":1546300800000.0,"from_as_string":"2019","to":1561939200000.0,)"
            R"("to_as_string":"2019","doc_count":1}])");
  EXPECT_EQ(Error(R"({"range": {"field": "target.version", "ranges": [{"to": 1}]}})"),
            "Field [target.version] of type [keyword] is not supported for aggregation [range]");
}

TEST_F(Aggs, TopHits) {
  json::Value a = Run(R"({"terms": {"field": "target.channel", "size": 1},
      "aggs": {"latest": {"top_hits": {"size": 1, "sort": [{"download.date": "desc"}],
                                       "_source": {"includes": ["target.version"]}}}}})");
  const json::Value& latest = *a.find("buckets")->items()[0].find("latest");
  EXPECT_EQ(json::Write(latest),
            R"({"hits":{"total":6,"max_score":null,"hits":[{"_index":"buildhub2","_type":"doc","_id":"3",)"
            R"("_score":null,"_source":{"target":{"version":"60.0.2"}},"sort":[1528228800000]}]}})");
  a = Run(R"({"top_hits": {}})", R"({"term": {"target.locale": "fr"}})");
  EXPECT_EQ(a.find("hits")->find("total")->as_int64(), 1);
  EXPECT_EQ(a.find("hits")->find("max_score")->text(), "1.0");
  EXPECT_EQ(a.find("hits")->find("hits")->items()[0].find("_score")->text(), "1.0");
  EXPECT_NE(Error(R"({"top_hits": {"size": 101}})").find("Top hits result window is too large"), std::string::npos);
}

TEST_F(Aggs, NamesMetaAndBucketCap) {
  json::Value r = SearchOk(*engine_, R"({"size": 0, "aggs": {"target.version": {"terms": {"field": "target.os"},
                                                                  "meta": {"why": "test"}}}})");
  const json::Value& a = Agg(r, "target.version");
  EXPECT_EQ(a.members().front().first, "meta");
  EXPECT_EQ(json::Write(*a.find("meta")), R"({"why":"test"})");
  EngineOptions small;
  small.max_buckets = 3;
  auto engine = EngineOf(StandardCorpus(), small);
  std::string e = ErrorMessage(SearchError(*engine, R"({"aggs": {"a": {"terms": {"field": "target.channel"}}}})"));
  EXPECT_EQ(e,
            "Trying to create too many buckets. Must be less than or equal to: [3] but was [4]. This limit can be "
            "set by changing the [search.max_buckets] cluster level setting.");
  // Asking for a huge size is fine; only buckets produced count.
  json::Value ok = SearchOk(*engine_, R"({"aggs": {"a": {"terms": {"field": "target.channel", "size": 10000000}}}})");
  EXPECT_EQ(Buckets(Agg(ok, "a")).size(), 4u);
}

TEST_F(Aggs, AggregationsIgnorePostFilter) {
  json::Value r = SearchOk(*engine_, R"({"post_filter": {"term": {"target.channel": "beta"}},
      "aggs": {"c": {"terms": {"field": "target.channel"}}}})");
  EXPECT_EQ(Total(r), 2);
  EXPECT_EQ(Buckets(Agg(r, "c")).size(), 4u);
}

}  // namespace
}  // namespace buildhub::search::testing
