#include "text/tokenizer/bpe_cut_points.h"

#include <algorithm>
#include <unordered_set>

#include "common/utf8.h"

namespace rb::text {

namespace {

bool is_one_character(const std::string& token) {
  return !token.empty() && token.size() == utf8::sequence_length(static_cast<unsigned char>(token[0]));
}

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

BpeCutPoints::BpeCutPoints(const std::vector<std::pair<std::string, std::string>>& merges,
                           const std::vector<std::string>& single_characters) {
  // Distinct trailing bytes of the left operands, grouped by the first character of the right one.
  std::unordered_map<uint64_t, std::unordered_set<std::string>> tails;
  for (const auto& [left, right] : merges) {
    if (right.empty()) continue;  // no symbol built from characters has an empty string
    const size_t first_length = utf8::sequence_length(static_cast<unsigned char>(right[0]));
    if (right.size() < first_length) continue;  // cannot start with a whole character
    const size_t keep = std::min(left.size(), kMaxLeftEdgeBytes);
    tails[bpe_char_key(right.data(), first_length)].insert(left.substr(left.size() - keep));
  }
  for (const std::string& character : single_characters) {
    if (!is_one_character(character)) continue;
    const uint64_t key = bpe_char_key(character.data(), character.size());
    auto found = tails.find(key);
    std::vector<std::string> rule;
    if (found != tails.end()) {
      if (found->second.size() > kMaxTailsPerCharacter) continue;
      rule.assign(found->second.begin(), found->second.end());
    }
    left_tails_by_right_char_.emplace(key, std::move(rule));
    lead_bytes_[static_cast<unsigned char>(character[0])] = true;
  }
}

bool BpeCutPoints::can_cut(uint64_t right_char_key, std::string_view left_edge) const {
  if (left_edge.empty() || left_edge.size() > kMaxLeftEdgeBytes) return false;  // tails would not decide it
  auto rule = left_tails_by_right_char_.find(right_char_key);
  if (rule == left_tails_by_right_char_.end()) return false;
  for (const std::string& tail : rule->second) {
    if (ends_with(tail, left_edge)) return false;
  }
  return true;
}

}  // namespace rb::text
