// Reference SentencePiece encoder: Google's own C++ SentencePiece compiled to WebAssembly
// (npm @sctg/sentencepiece-js@1.3.3), run out of process so nothing links libsentencepiece.
// Usage: node spm_encode.js <package dir> <request.json> <response.json>
// request:  {"jobs": [{"model": path to a .model file, "texts": [string, ...]}, ...]}
// response: {"results": [[[id, ...] per text], ...]}
'use strict';
const fs = require('fs');
const path = require('path');

async function main() {
  const [packageDir, requestPath, responsePath] = process.argv.slice(2);
  const { SentencePieceProcessor } = require(path.join(packageDir, 'dist', 'index.cjs'));
  const request = JSON.parse(fs.readFileSync(requestPath, 'utf8'));
  const results = [];
  for (const job of request.jobs) {
    const processor = new SentencePieceProcessor();
    await processor.load(job.model);
    results.push(job.texts.map((text) => Array.from(processor.encodeIds(text))));
  }
  fs.writeFileSync(responsePath, JSON.stringify({ results }));
}

main().then(() => process.exit(0), (error) => {
  console.error(error);
  process.exit(1);
});
