// FastChat conversation templates as the reference ships them (rewardbench/conversation.py, a
// frozen copy of FastChat 0.2.36's conversation.py plus RewardBench's own pku-align, openbmb
// and Ziya). get_prompt() is reproduced per separator style; each template below lists the
// fields that matter: system template and message, the two role names, style and separators.
//
//   tulu          ADD_NEW_LINE_SINGLE  roles <|user|> / <|assistant|>, sep "\n"
//   raw           NO_COLON_SINGLE      roles "" / "", sep ""
//   oasst_pythia  NO_COLON_SINGLE      roles <|prompter|> / <|assistant|>, sep <|endoftext|>
//   pku-align     ADD_COLON_SPACE_SINGLE system "BEGINNING OF CONVERSATION:", roles USER / ASSISTANT, sep " "
//   openbmb       NO_COLON_SINGLE      roles "User: " / "Assistant: ", sep "\n\n"
//   Ziya          ADD_COLON_SPACE_SINGLE roles Human / Assistant, sep "\n\n"
//   llama-2       LLAMA2  system "[INST] <<SYS>>\n{system_message}\n<</SYS>>\n\n", roles [INST] / [/INST], sep " ", sep2 " </s><s>"
//   mistral       LLAMA2  system "[INST] {system_message}\n", roles [INST] / [/INST], sep " ", sep2 "</s>"
//   zephyr        CHATML  system "<|system|>\n{system_message}", roles <|user|> / <|assistant|>, sep "</s>"
//   vicuna_v1.1   ADD_COLON_TWO  Vicuna system prompt, roles USER / ASSISTANT, sep " ", sep2 "</s>"
//   Robin         ROBIN   Robin system prompt, roles ###Human / ###Assistant, sep "\n"
//   Yi-34b-chat   CHATML  no system prompt, roles <|im_start|>user / <|im_start|>assistant, sep <|im_end|>
//   chatml        FastChat 0.2.36 has no template of this name; defined here like Yi-34b-chat
//                 (CHATML style, system template "<|im_start|>system\n{system_message}", no default).
//
// Messages map onto the conversation as FastChat's API does: a "system" message sets the system
// message, "user" messages go to roles[0], "assistant" messages to roles[1]. As in get_prompt(),
// an empty message counts as the pending (not yet generated) turn.
#include "template/fastchat.h"

#include <map>

#include "common/error.h"

namespace rb::tmpl {

enum class SeparatorStyle { AddColonSingle, AddColonTwo, AddColonSpaceSingle, NoColonSingle, NoColonTwo, AddNewLineSingle, Llama2, ChatML, Robin };

struct FastChatTemplate {
  std::string system_template = "{system_message}";
  std::string system_message;
  std::string user_role;
  std::string assistant_role;
  SeparatorStyle style = SeparatorStyle::AddColonSingle;
  std::string sep = "\n";
  std::string sep2;
};

namespace {

const std::map<std::string, FastChatTemplate>& registry() {
  static const std::map<std::string, FastChatTemplate> templates = [] {
    std::map<std::string, FastChatTemplate> t;
    const std::string vicuna_system =
        "A chat between a curious user and an artificial intelligence assistant. "
        "The assistant gives helpful, detailed, and polite answers to the user's questions.";
    const std::string robin_system =
        "A chat between a curious human and an artificial intelligence assistant. "
        "The assistant gives helpful, detailed, and polite answers to the human's questions.";
    t["tulu"] = {"{system_message}", "", "<|user|>", "<|assistant|>", SeparatorStyle::AddNewLineSingle, "\n", ""};
    t["raw"] = {"{system_message}", "", "", "", SeparatorStyle::NoColonSingle, "", ""};
    t["oasst_pythia"] = {"{system_message}", "", "<|prompter|>", "<|assistant|>", SeparatorStyle::NoColonSingle, "<|endoftext|>", ""};
    t["pku-align"] = {"{system_message}", "BEGINNING OF CONVERSATION:", "USER", "ASSISTANT", SeparatorStyle::AddColonSpaceSingle, " ", ""};
    t["openbmb"] = {"{system_message}", "", "User: ", "Assistant: ", SeparatorStyle::NoColonSingle, "\n\n", ""};
    t["Ziya"] = {"{system_message}", "", "Human", "Assistant", SeparatorStyle::AddColonSpaceSingle, "\n\n", ""};
    t["llama-2"] = {"[INST] <<SYS>>\n{system_message}\n<</SYS>>\n\n", "", "[INST]", "[/INST]", SeparatorStyle::Llama2, " ", " </s><s>"};
    t["mistral"] = {"[INST] {system_message}\n", "", "[INST]", "[/INST]", SeparatorStyle::Llama2, " ", "</s>"};
    t["zephyr"] = {"<|system|>\n{system_message}", "", "<|user|>", "<|assistant|>", SeparatorStyle::ChatML, "</s>", ""};
    t["vicuna_v1.1"] = {"{system_message}", vicuna_system, "USER", "ASSISTANT", SeparatorStyle::AddColonTwo, " ", "</s>"};
    t["Robin"] = {"{system_message}", robin_system, "###Human", "###Assistant", SeparatorStyle::Robin, "\n", ""};
    t["Yi-34b-chat"] = {"{system_message}", "", "<|im_start|>user", "<|im_start|>assistant", SeparatorStyle::ChatML, "<|im_end|>", ""};
    t["chatml"] = {"<|im_start|>system\n{system_message}", "", "<|im_start|>user", "<|im_start|>assistant", SeparatorStyle::ChatML, "<|im_end|>", ""};
    return t;
  }();
  return templates;
}

// Python str.format with the single field {system_message}.
std::string format_system(const std::string& system_template, const std::string& system_message) {
  std::string out = system_template;
  const std::string field = "{system_message}";
  std::size_t at = out.find(field);
  if (at != std::string::npos) out.replace(at, field.size(), system_message);
  return out;
}

using Turn = std::pair<std::string, std::string>;  // role name, message ("" = pending)

std::string get_prompt(const FastChatTemplate& t, const std::string& system_message, const std::vector<Turn>& turns) {
  const std::string system_prompt = format_system(t.system_template, system_message);
  std::string ret;
  switch (t.style) {
    case SeparatorStyle::AddColonSingle:
      ret = system_prompt + t.sep;
      for (const auto& [role, message] : turns) ret += message.empty() ? role + ":" : role + ": " + message + t.sep;
      return ret;
    case SeparatorStyle::AddColonTwo:
      ret = system_prompt + t.sep;
      for (std::size_t i = 0; i < turns.size(); ++i) {
        const auto& [role, message] = turns[i];
        ret += message.empty() ? role + ":" : role + ": " + message + (i % 2 == 0 ? t.sep : t.sep2);
      }
      return ret;
    case SeparatorStyle::AddColonSpaceSingle:
      ret = system_prompt + t.sep;
      for (const auto& [role, message] : turns) ret += message.empty() ? role + ": " : role + ": " + message + t.sep;
      return ret;
    case SeparatorStyle::NoColonSingle:
      ret = system_prompt;
      for (const auto& [role, message] : turns) ret += message.empty() ? role : role + message + t.sep;
      return ret;
    case SeparatorStyle::NoColonTwo:
      ret = system_prompt;
      for (std::size_t i = 0; i < turns.size(); ++i) {
        const auto& [role, message] = turns[i];
        ret += message.empty() ? role : role + message + (i % 2 == 0 ? t.sep : t.sep2);
      }
      return ret;
    case SeparatorStyle::AddNewLineSingle:
      ret = system_prompt.empty() ? "" : system_prompt + t.sep;
      for (const auto& [role, message] : turns) ret += message.empty() ? role + "\n" : role + "\n" + message + t.sep;
      return ret;
    case SeparatorStyle::Llama2:
      // The role tag follows the turn's position, not its stated role (FastChat's behaviour).
      ret = system_message.empty() ? "[INST] " : system_prompt;
      for (std::size_t i = 0; i < turns.size(); ++i) {
        const std::string& tag = i % 2 == 0 ? t.user_role : t.assistant_role;
        const std::string& message = turns[i].second;
        if (message.empty()) {
          ret += tag;
        } else if (i == 0) {
          ret += message + " ";
        } else {
          ret += tag + " " + message + (i % 2 == 0 ? t.sep : t.sep2);
        }
      }
      return ret;
    case SeparatorStyle::ChatML:
      ret = system_prompt.empty() ? "" : system_prompt + t.sep + "\n";
      for (const auto& [role, message] : turns) ret += message.empty() ? role + "\n" : role + "\n" + message + t.sep + "\n";
      return ret;
    case SeparatorStyle::Robin:
      ret = system_prompt + t.sep;
      for (const auto& [role, message] : turns) ret += message.empty() ? role + ":\n" : role + ":\n" + message + t.sep;
      return ret;
  }
  return ret;
}

}  // namespace

bool has_fastchat_template(const std::string& name) { return registry().count(name) > 0; }

std::vector<std::string> fastchat_template_names() {
  std::vector<std::string> names;
  for (const auto& entry : registry()) names.push_back(entry.first);
  return names;
}

std::string render_fastchat(const std::string& name, const nlohmann::ordered_json& messages) {
  auto it = registry().find(name);
  if (it == registry().end()) throw TemplateError("unknown FastChat template '" + name + "'");
  const FastChatTemplate& t = it->second;
  if (!messages.is_array()) throw TemplateError("FastChat template '" + name + "': messages must be a JSON array");
  std::string system_message = t.system_message;
  std::vector<Turn> turns;
  for (std::size_t i = 0; i < messages.size(); ++i) {
    const auto& m = messages[i];
    if (!m.is_object() || !m.contains("role") || !m["role"].is_string() || !m.contains("content") || !m["content"].is_string()) {
      throw TemplateError("FastChat template '" + name + "': message " + std::to_string(i) +
                          " needs string fields 'role' and 'content'");
    }
    const std::string role = m["role"].get<std::string>();
    const std::string content = m["content"].get<std::string>();
    if (role == "system") {
      system_message = content;
    } else if (role == "user") {
      turns.emplace_back(t.user_role, content);
    } else if (role == "assistant") {
      turns.emplace_back(t.assistant_role, content);
    } else {
      throw TemplateError("FastChat template '" + name + "': message " + std::to_string(i) + " has unsupported role '" + role + "'");
    }
  }
  return get_prompt(t, system_message, turns);
}

}  // namespace rb::tmpl
