#pragma once
// Character classes as Rust (and Hugging Face tokenizers' utils) define them, answered by ICU.
namespace rb::text {

// Rust std's classes follow current Unicode; the unicode_categories crate that tokenizers uses for
// punctuation and "other" characters has Unicode 8.0 tables, so those are limited to characters
// assigned by Unicode 8.0 (checked against the oracle code point by code point in the tests).
bool is_rust_whitespace(char32_t cp);   // char::is_whitespace: the White_Space property
bool is_rust_numeric(char32_t cp);      // char::is_numeric: Nd, Nl, No
bool is_regex_word_char(char32_t cp);   // Rust regex's Unicode \w
bool is_punctuation(char32_t cp);       // ASCII punctuation or P* as of Unicode 8.0 (is_bert_punc)
bool is_control_char(char32_t cp);      // BertNormalizer's is_control: Cc, Co, Cf (8.0) but \t \n \r
bool is_cjk_ideograph(char32_t cp);
// Lowercase mappings Unicode 16.0 added (Rust's char::to_lowercase has them, ICU 72 not); 0 if none.
char32_t unicode_16_lowercase(char32_t cp);     // BertNormalizer's is_chinese_char ranges
bool is_nonspacing_mark_unicode_8(char32_t cp);  // Mn as of Unicode 8.0 (BertNormalizer)
bool is_combining_mark(char32_t cp);    // Mn, Mc, Me as of Unicode 9.0 (StripAccents)

}  // namespace rb::text
