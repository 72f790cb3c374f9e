// SegmentBuilder: indexes stored build documents into a new Segment. Add()
// documents in store-id order, then Finish(). New fields found on the way
// are added to `mapping` (the writer's live mapping).
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

#include "search/doc_scanner.h"
#include "search/mapping.h"
#include "search/segment.h"

namespace buildhub::search {

class SegmentBuilder {
 public:
  // `base`: the global doc number of the first document.
  SegmentBuilder(Mapping* mapping, uint32_t base);
  ~SegmentBuilder();
  SegmentBuilder(const SegmentBuilder&) = delete;
  SegmentBuilder& operator=(const SegmentBuilder&) = delete;

  void Add(int64_t store_id, std::string_view build_json);
  uint32_t size() const;

  // Add() in two stages that may run on two threads, documents in order:
  // ScanDocument() resolves fields (and may grow the mapping); AddScanned()
  // then indexes the document without touching the mapping.
  void ScanDocument(std::string_view build_json, ScannedDocument* doc);
  void AddScanned(int64_t store_id, std::string_view build_json, const ScannedDocument& doc);

  std::unique_ptr<Segment> Finish();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// ES's ignore_above for the dynamic `.keyword` sub-fields, in UTF-16 units.
constexpr size_t kIgnoreAbove = 256;
size_t Utf16Length(std::string_view utf8);

}  // namespace buildhub::search
