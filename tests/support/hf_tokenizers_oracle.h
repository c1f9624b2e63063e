#pragma once
// Hugging Face's own Rust tokenizers, through the pinned npm package tokenizers@0.23.2, as an
// oracle (the demo tokenizer's, and the Yi fixture's: transformers 4.57 encodes tokenizer.json
// with it). Installed once into <build>/hf-tokenizers-npm; std::nullopt (tests skip)
// when node, npm or the registry is unavailable.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace rb::testing {

// The node_modules folder holding tokenizers@0.23.2, or std::nullopt with a reason.
std::optional<std::string> hf_tokenizers_modules(std::string& why_not);

// Encodes each text with Tokenizer.fromFile(tokenizer_json).encode(text, {addSpecialTokens}).
// Throws std::runtime_error when node fails.
std::vector<std::vector<int32_t>> hf_encode(const std::string& node_modules, const std::string& tokenizer_json,
                                            const std::vector<std::string>& texts, bool add_special_tokens);

}  // namespace rb::testing
