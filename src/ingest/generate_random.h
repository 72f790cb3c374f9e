// Randomness for the corpus generator that is the same on every machine:
// splitmix64 for hashing and seeding, xoshiro256** for streams, and integer
// range reduction (no <random> distributions, whose algorithms are
// implementation-defined, and no floating point).
#pragma once

#include <cstdint>

namespace buildhub::ingest::gen {

// The splitmix64 finaliser: a bijective 64-bit mixer.
inline uint64_t Mix64(uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

// Order-sensitive hash of a few integers; used to derive stable attributes
// (a build's revision, a platform's size) from identifiers, so that visiting
// the same build again later in the stream gives the same values.
inline uint64_t Hash(uint64_t a, uint64_t b) {
  return Mix64(a ^ Mix64(b + 0x9e3779b97f4a7c15ULL));
}
inline uint64_t Hash(uint64_t a, uint64_t b, uint64_t c) { return Hash(Hash(a, b), c); }
inline uint64_t Hash(uint64_t a, uint64_t b, uint64_t c, uint64_t d) {
  return Hash(Hash(a, b, c), d);
}

// Maps a 64-bit value uniformly onto [0, n) (Lemire's multiply-shift).
inline uint64_t Reduce(uint64_t x, uint64_t n) {
  return static_cast<uint64_t>((static_cast<unsigned __int128>(x) * n) >> 64);
}

// A few independent draws from one hash value: each call re-mixes.
class HashStream {
 public:
  explicit HashStream(uint64_t h) : h_(h) {}
  uint64_t Next() { return h_ = Mix64(h_ + 0x9e3779b97f4a7c15ULL); }
  uint64_t Below(uint64_t n) { return Reduce(Next(), n); }
  int64_t Range(int64_t lo, int64_t hi) {  // inclusive
    return lo + static_cast<int64_t>(Below(static_cast<uint64_t>(hi - lo) + 1));
  }
  bool PerMille(uint32_t p) { return Below(1000) < p; }

 private:
  uint64_t h_;
};

// xoshiro256** seeded through splitmix64.
class Rng {
 public:
  explicit Rng(uint64_t seed) {
    uint64_t x = seed;
    for (uint64_t& word : s_) {
      x += 0x9e3779b97f4a7c15ULL;
      word = Mix64(x);
    }
  }
  uint64_t Next() {
    const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }
  uint64_t Below(uint64_t n) { return Reduce(Next(), n); }
  int64_t Range(int64_t lo, int64_t hi) {  // inclusive
    return lo + static_cast<int64_t>(Below(static_cast<uint64_t>(hi - lo) + 1));
  }
  bool PerMille(uint32_t p) { return Below(1000) < p; }

 private:
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

}  // namespace buildhub::ingest::gen
