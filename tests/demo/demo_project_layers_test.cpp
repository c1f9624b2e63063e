// The demo folder through the project's own layers: our tokenizer.json reader must encode the
// demo texts exactly as the trainer's merges do (which HF tokenizers also matches, see
// DemoTokenizerOracle), and our Jinja interpreter must render the demo chat template into the
// Llama-3 layout built here by hand.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "app/demo_assets.h"
#include "app/demo_tokenizer_trainer.h"
#include "template/chat_template.h"
#include "text/tokenizer/tokenizer.h"

namespace {

namespace fs = std::filesystem;
using namespace rb::app;

class DemoFolder : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    root_ = new fs::path(fs::temp_directory_path() / ("rb_demo_layers_" + std::to_string(::getpid())));
    write_demo_assets(root_->string(), 3);
  }
  static void TearDownTestSuite() {
    fs::remove_all(*root_);
    delete root_;
  }
  static std::string model_file(const std::string& name) { return (*root_ / "model" / name).string(); }
  static fs::path* root_;
};
fs::path* DemoFolder::root_ = nullptr;

TEST_F(DemoFolder, ProjectTokenizerEncodesLikeTheLearnedMerges) {
  rb::text::Tokenizer tokenizer = rb::text::Tokenizer::from_file(model_file("tokenizer.json"));
  std::vector<std::string> texts = demo_training_texts(embedded_demo_preference_pairs());
  TrainedBpe bpe = train_byte_level_bpe(texts, BpeTrainingOptions{});
  MergeEncoder encoder(bpe);
  EXPECT_EQ(tokenizer.vocab_size(), bpe.total_vocab_size());
  for (const std::string& text : texts) {
    std::vector<int32_t> expected = encoder.encode(text);
    ASSERT_EQ(tokenizer.encode(text, false), expected) << text;
  }
  EXPECT_EQ(tokenizer.num_special_tokens_to_add(), 1u);
  std::vector<int32_t> with_bos = tokenizer.encode("<|start_header_id|>user<|end_header_id|>", true);
  EXPECT_EQ(with_bos, (std::vector<int32_t>{bpe.special_token_id("<|begin_of_text|>"),
                                            bpe.special_token_id("<|start_header_id|>"),
                                            encoder.encode("user").at(0),
                                            bpe.special_token_id("<|end_header_id|>")}));
}

TEST_F(DemoFolder, ProjectTemplateEngineRendersTheLlama3Layout) {
  std::ifstream in(model_file("tokenizer_config.json"));
  std::stringstream buffer;
  buffer << in.rdbuf();
  nlohmann::json config = nlohmann::json::parse(buffer.str());
  rb::tmpl::ChatTemplate chat_template(config["chat_template"].get<std::string>(), "demo tokenizer_config.json");
  rb::tmpl::SpecialTokens tokens;
  tokens.bos_token = config["bos_token"];
  tokens.eos_token = config["eos_token"];
  tokens.has_bos = tokens.has_eos = true;
  rb::tmpl::Json messages = rb::tmpl::Json::array(
      {{{"role", "user"}, {"content", "  Bonjour 😀 \n"}}, {{"role", "assistant"}, {"content", "Salut"}},
       {{"role", "user"}, {"content", "2 + 2 ?"}}});
  const std::string header_end = "<|end_header_id|>\n\n";
  std::string expected = "<|begin_of_text|><|start_header_id|>user" + header_end + "Bonjour 😀<|eot_id|>" +
                         "<|start_header_id|>assistant" + header_end + "Salut<|eot_id|>" +
                         "<|start_header_id|>user" + header_end + "2 + 2 ?<|eot_id|>";
  EXPECT_EQ(rb::tmpl::apply_chat_template(chat_template, messages, tokens, false), expected);
  EXPECT_EQ(rb::tmpl::apply_chat_template(chat_template, messages, tokens, true),
            expected + "<|start_header_id|>assistant" + header_end);
}

}  // namespace
