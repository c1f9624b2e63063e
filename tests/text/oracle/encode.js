// Reference encoder: Hugging Face's Rust tokenizers through the npm package tokenizers@0.23.2.
// Usage: node encode.js <node_modules dir> <request.json> <response.json>
// request:  {"tokenizer": path, "add_special_tokens": bool, "texts": [string, ...],
//            "truncation": {"max_length": n, "direction": "right"|"left"} (optional)}
// response: {"ids": [[int, ...], ...], "seconds": encode time, "vocab_size": with added tokens}
'use strict';
const fs = require('fs');
const path = require('path');

async function main() {
  const [modulesDir, requestPath, responsePath] = process.argv.slice(2);
  const { Tokenizer } = require(path.join(modulesDir, 'tokenizers'));
  const request = JSON.parse(fs.readFileSync(requestPath, 'utf8'));
  const tokenizer = Tokenizer.fromFile(request.tokenizer);
  if (request.truncation) {
    tokenizer.setTruncation(request.truncation.max_length,
                            { direction: request.truncation.direction });
  }
  const options = { addSpecialTokens: request.add_special_tokens };
  const started = process.hrtime.bigint();
  // encodeBatch runs on Rust's thread pool, like our encode_batch.
  const encodings = await tokenizer.encodeBatch(request.texts, options);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const ids = encodings.map((e) => e.getIds());
  fs.writeFileSync(responsePath, JSON.stringify({
    ids, seconds, vocab_size: tokenizer.getVocabSize(true),
  }));
}

main().catch((err) => {
  console.error(err && err.stack ? err.stack : String(err));
  process.exit(1);
});
