// Character classes as the Rust oracle (npm tokenizers@0.23.2) applies them, per code point.
// Usage: node classes.js <node_modules dir> <response.json>
// response: {"code_points": [...], "removed_by_bert_clean": [bool], "bert_punctuation": [bool],
//            "digit": [bool], "whitespace_kind": [1 word | 2 space | 3 other],
//            "lowercase": [string]}
'use strict';
const fs = require('fs');
const path = require('path');

const [modulesDir, responsePath] = process.argv.slice(2);
const tk = require(path.join(modulesDir, 'tokenizers'));
const clean = tk.bertNormalizer({ cleanText: true, handleChineseChars: false, stripAccents: false, lowercase: false });
const bert = tk.bertPreTokenizer();
const digits = tk.digitsPreTokenizer(true);
const whitespace = tk.whitespacePreTokenizer();
const lowercase = tk.lowercase();
const out = { code_points: [], removed_by_bert_clean: [], bert_punctuation: [], digit: [], whitespace_kind: [], lowercase: [] };
const ranges = [[0, 0x40000], [0xE0000, 0xE0200], [0xF0000, 0xF0010], [0x10FFF0, 0x110000]];
for (const [first, end] of ranges) {
  for (let cp = first; cp < end; cp++) {
    if (cp >= 0xD800 && cp < 0xE000) continue;
    const c = String.fromCodePoint(cp);
    out.code_points.push(cp);
    out.removed_by_bert_clean.push(clean.normalizeString(c) === '');
    out.bert_punctuation.push(bert.preTokenizeString('a' + c + 'a').length === 3);
    out.digit.push(digits.preTokenizeString('a' + c + 'a').length === 3);
    out.whitespace_kind.push(whitespace.preTokenizeString('a' + c + 'a').length);
    out.lowercase.push(lowercase.normalizeString(c));
  }
}
fs.writeFileSync(responsePath, JSON.stringify(out));
