// The JavaScript Hugging Face Hub client as an independent reference for the cache layout.
//   node hf_hub_js_oracle.js NODE_MODULES scan CACHE_DIR
//       -> JSON {warnings, repos: [{name, type, revisions: [{commit, refs, files: [{path, blob, size}]}]}]}
//   node hf_hub_js_oracle.js NODE_MODULES snapshot HUB_URL CACHE_DIR TYPE NAME REVISION   -> snapshot folder
//   node hf_hub_js_oracle.js NODE_MODULES file HUB_URL CACHE_DIR TYPE NAME REVISION PATH  -> file path
const path = require("path");
const fs = require("fs");
// The client logs progress with console.debug/info: keep stdout for the answer.
console.debug = console.info = console.log = (...parts) => process.stderr.write(parts.join(" ") + "\n");
const hub = require(path.join(process.argv[2], "@huggingface/hub"));
const [command, ...args] = process.argv.slice(3);

async function scan(cacheDir) {
  const result = await hub.scanCacheDir(cacheDir);
  return {
    warnings: result.warnings.map(String),
    repos: result.repos.map((repo) => ({
      name: repo.id.name,
      type: repo.id.type,
      revisions: repo.revisions.map((revision) => ({
        commit: revision.commitOid,
        refs: revision.refs,
        files: revision.files.map((file) => ({
          path: path.relative(revision.path, file.path),
          blob: path.relative(fs.realpathSync(repo.path), file.blob.path),
          size: file.blob.size,
        })),
      })),
    })),
  };
}

async function main() {
  if (command === "scan") {
    process.stdout.write(JSON.stringify(await scan(args[0])));
  } else if (command === "snapshot") {
    const [hubUrl, cacheDir, type, name, revision] = args;
    process.stdout.write(await hub.snapshotDownload({ repo: { type, name }, hubUrl, cacheDir, revision }));
  } else if (command === "file") {
    const [hubUrl, cacheDir, type, name, revision, filePath] = args;
    process.stdout.write(
      await hub.downloadFileToCacheDir({ repo: { type, name }, hubUrl, cacheDir, revision, path: filePath })
    );
  } else {
    throw new Error(`unknown command ${command}`);
  }
}

main().catch((error) => {
  process.stderr.write(String(error && error.stack ? error.stack : error) + "\n");
  process.exit(1);
});
