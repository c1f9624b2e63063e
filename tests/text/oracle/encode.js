// Reference encoder: Hugging Face's Rust tokenizers through the npm package tokenizers@0.23.2.
// Usage: node encode.js <node_modules dir> <request.json> <response.json>
// request:  {"jobs": [{"tokenizer": path, "add_special_tokens": bool, "texts": [string, ...],
//            "truncation": {"max_length": n, "direction": "right"|"left"} (optional),
//            "decode": bool (optional), "skip_special_tokens": bool (optional)}, ...]}
// response: {"results": [{"ids": [[int, ...], ...], "seconds": wall time of encodeBatch,
//            "cpu_seconds": process CPU time of encodeBatch, "vocab_size": with added tokens,
//            "decoded": [string, ...] (the oracle's own ids decoded, when "decode")}]}
// Each tokenizer file is loaded once per run, so many jobs cost one start-up.
'use strict';
const fs = require('fs');
const path = require('path');

async function runJob(Tokenizer, loaded, job) {
  if (!loaded.has(job.tokenizer)) loaded.set(job.tokenizer, Tokenizer.fromFile(job.tokenizer));
  const tokenizer = loaded.get(job.tokenizer);
  if (job.truncation) {
    tokenizer.setTruncation(job.truncation.max_length, { direction: job.truncation.direction });
  } else {
    tokenizer.disableTruncation();
  }
  const options = { addSpecialTokens: job.add_special_tokens };
  const cpuBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  // encodeBatch runs on Rust's thread pool, like our encode_batch.
  const encodings = await tokenizer.encodeBatch(job.texts, options);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = process.cpuUsage(cpuBefore);
  const ids = encodings.map((e) => e.getIds());
  const decoded = job.decode
    ? await Promise.all(ids.map((one) => tokenizer.decode(one, !!job.skip_special_tokens)))
    : [];
  return {
    ids,
    decoded,
    seconds,
    cpu_seconds: (cpu.user + cpu.system) / 1e6,
    vocab_size: tokenizer.getVocabSize(true),
  };
}

async function main() {
  const [modulesDir, requestPath, responsePath] = process.argv.slice(2);
  const { Tokenizer } = require(path.join(modulesDir, 'tokenizers'));
  const request = JSON.parse(fs.readFileSync(requestPath, 'utf8'));
  const loaded = new Map();
  const results = [];
  for (const job of request.jobs) results.push(await runJob(Tokenizer, loaded, job));
  fs.writeFileSync(responsePath, JSON.stringify({ results }));
}

main().catch((err) => {
  console.error(err && err.stack ? err.stack : String(err));
  process.exit(1);
});
