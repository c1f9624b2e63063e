#pragma once
// The FastChat conversation templates the reference falls back to when a tokenizer has no
// chat template (`--chat_template tulu` etc.). Separator styles follow FastChat exactly.
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace rb::tmpl {

struct FastChatTemplate;  // defined in fastchat.cpp

// Known names: tulu, raw, oasst_pythia, pku-align, openbmb, Ziya, llama-2, mistral, chatml, zephyr,
// vicuna_v1.1, Robin, Yi-34b-chat (definitions and sources documented in fastchat.cpp).
bool has_fastchat_template(const std::string& name);
std::vector<std::string> fastchat_template_names();

// Renders `messages` (role/content objects, roles user/assistant/system) as conv.get_prompt()
// would after appending them in order. Throws rb::TemplateError for an unknown name.
std::string render_fastchat(const std::string& name, const nlohmann::ordered_json& messages);

}  // namespace rb::tmpl
