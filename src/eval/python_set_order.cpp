#include "eval/python_set_order.h"

#include <cstddef>

namespace rb::eval {
namespace {

constexpr size_t kMinSize = 8;        // PySet_MINSIZE
constexpr size_t kLinearProbes = 9;   // LINEAR_PROBES
constexpr unsigned kPerturbShift = 5;  // PERTURB_SHIFT
constexpr uint64_t kModulus = (uint64_t{1} << 61) - 1;  // _PyHASH_MODULUS on 64-bit builds

int64_t python_int_hash(int64_t value) {
  uint64_t magnitude = value < 0 ? uint64_t(0) - static_cast<uint64_t>(value) : static_cast<uint64_t>(value);
  int64_t hash = static_cast<int64_t>(magnitude % kModulus);
  if (value < 0) hash = -hash;
  return hash == -1 ? -2 : hash;
}

// A set of ints without deletions (no dummy entries), enough to replay insertion orders.
class IntSet {
 public:
  IntSet() : slots_(kMinSize) {}

  size_t size() const { return used_; }

  void add(int64_t key) {
    int64_t hash = python_int_hash(key);
    size_t mask = slots_.size() - 1;
    size_t i = static_cast<size_t>(hash) & mask;
    size_t perturb = static_cast<size_t>(hash);
    while (true) {
      size_t probes = i + kLinearProbes <= mask ? kLinearProbes : 0;
      for (size_t j = i; j <= i + probes; ++j) {
        Slot& slot = slots_[j];
        if (!slot.used) {
          slot = Slot{true, key, hash};
          ++used_;
          if (used_ * 5 >= mask * 3) resize(used_ > 50000 ? used_ * 2 : used_ * 4);
          return;
        }
        if (slot.hash == hash && slot.key == key) return;
      }
      perturb >>= kPerturbShift;
      i = (i * 5 + 1 + perturb) & mask;
    }
  }

  // set_update_internal with a dict: one resize up front, then the keys in order.
  void update_from_dict(const std::vector<int64_t>& keys) {
    size_t mask = slots_.size() - 1;
    if ((used_ + keys.size()) * 5 >= mask * 3) resize((used_ + keys.size()) * 2);
    for (int64_t key : keys) add(key);
  }

  bool contains(int64_t key) const {
    for (const auto& slot : slots_) {
      if (slot.used && slot.key == key) return true;
    }
    return false;
  }

  // Keys in slot order: the iteration order.
  std::vector<int64_t> keys() const {
    std::vector<int64_t> out;
    for (const auto& slot : slots_) {
      if (slot.used) out.push_back(slot.key);
    }
    return out;
  }

 private:
  struct Slot {
    bool used = false;
    int64_t key = 0;
    int64_t hash = 0;
  };

  void resize(size_t min_used) {
    size_t size = kMinSize;
    while (size <= min_used) size <<= 1;
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(size, Slot{});
    for (const auto& slot : old) {
      if (slot.used) insert_clean(slot);
    }
  }

  void insert_clean(const Slot& entry) {
    size_t mask = slots_.size() - 1;
    size_t i = static_cast<size_t>(entry.hash) & mask;
    size_t perturb = static_cast<size_t>(entry.hash);
    while (true) {
      size_t probes = i + kLinearProbes <= mask ? kLinearProbes : 0;
      for (size_t j = i; j <= i + probes; ++j) {
        if (!slots_[j].used) {
          slots_[j] = entry;
          return;
        }
      }
      perturb >>= kPerturbShift;
      i = (i * 5 + 1 + perturb) & mask;
    }
  }

  std::vector<Slot> slots_;
  size_t used_ = 0;  // == fill: nothing is ever deleted
};

}  // namespace

std::vector<int64_t> python_set_intersection_order(const std::vector<int64_t>& left_keys,
                                                   const std::vector<int64_t>& right_keys) {
  IntSet left, right;
  left.update_from_dict(left_keys);
  right.update_from_dict(right_keys);
  // set_intersection walks the smaller set (the right one on equal sizes) and probes the other.
  const IntSet& walked = right.size() > left.size() ? left : right;
  const IntSet& probed = right.size() > left.size() ? right : left;
  IntSet result;
  for (int64_t key : walked.keys()) {
    if (probed.contains(key)) result.add(key);
  }
  return result.keys();
}

}  // namespace rb::eval
