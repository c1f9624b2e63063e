#pragma once
// Character classes as Rust (and Hugging Face tokenizers' utils) define them, answered by ICU.
namespace rb::text {

bool is_rust_whitespace(char32_t cp);   // char::is_whitespace: the White_Space property
bool is_punctuation(char32_t cp);       // ASCII punctuation or a Unicode P* category (is_bert_punc)
bool is_control_char(char32_t cp);      // BertNormalizer's is_control: C* except \t \n \r
bool is_bert_whitespace(char32_t cp);   // BertNormalizer's is_whitespace: \t \n \r or Zs
bool is_cjk_ideograph(char32_t cp);     // BertNormalizer's is_chinese_char ranges
bool is_nonspacing_mark(char32_t cp);   // Mn
bool is_combining_mark(char32_t cp);    // Mn, Mc, Me

}  // namespace rb::text
