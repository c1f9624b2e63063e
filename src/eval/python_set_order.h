#pragma once
// The order in which CPython iterates `set(a) & set(b)` when a and b are dicts with int keys:
// the reference's Ties scoring (utils.process_single_model) walks the prompt ids present in both
// its ref and tied dicts in that order, and numpy then sums the margin terms in it, so the order
// decides the last bits of the Ties score. This mirrors CPython 3.x setobject.c (open addressing,
// 8-slot start, 9 linear probes then perturbed jumps, resizes at 3/5 fill) for int hashes
// (hash(x) = x mod 2**61-1 with the sign kept, hash(-1) = -2). Small non-negative ids below the
// table size come out ascending; others do not.
#include <cstdint>
#include <vector>

namespace rb::eval {

// `left_keys` / `right_keys`: each dict's keys in insertion order (no duplicates).
std::vector<int64_t> python_set_intersection_order(const std::vector<int64_t>& left_keys,
                                                   const std::vector<int64_t>& right_keys);

}  // namespace rb::eval
