// A second, independent Parquet writer for the reader's tests: hyparquet-writer (pure
// JavaScript, DATA_PAGE_V2 pages, its own Thrift encoder). Same spec format as parquet_write.js:
//   node hyparquet_write.mjs <node_modules dir> <spec.json>
// props used: compression (UNCOMPRESSED | SNAPPY | GZIP), row_group_size, page_size,
// column_encodings {top-level column: encoding}.
import fs from 'fs';
import path from 'path';
import zlib from 'zlib';
import { pathToFileURL } from 'url';

const modules = process.argv[2];
const specs = [].concat(JSON.parse(fs.readFileSync(process.argv[3], 'utf8')));
const { parquetWriteBuffer } = await import(pathToFileURL(path.join(modules, 'hyparquet-writer', 'src', 'index.js')).href);

const primitive = {
  utf8: { type: 'BYTE_ARRAY', converted_type: 'UTF8' },
  int32: { type: 'INT32' },
  int64: { type: 'INT64' },
  float32: { type: 'FLOAT' },
  float64: { type: 'DOUBLE' },
  bool: { type: 'BOOLEAN' },
};

// Schema elements (depth-first) for one field.
function elements(name, t, nullable) {
  const repetition_type = nullable === false ? 'REQUIRED' : 'OPTIONAL';
  if (primitive[t.kind]) return [{ name, repetition_type, ...primitive[t.kind] }];
  if (t.kind === 'list') {
    return [{ name, repetition_type, converted_type: 'LIST', num_children: 1 },
            { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
            ...elements('element', t.element, t.element_nullable !== false)];
  }
  if (t.kind === 'struct') {
    return [{ name, repetition_type, num_children: t.fields.length },
            ...t.fields.flatMap((f) => elements(f.name, f.type, f.nullable !== false))];
  }
  throw new Error('unknown type ' + t.kind);
}

function value(t, v) {
  if (v === null || v === undefined) return null;
  if (t.kind === 'int64') return BigInt(v);
  if (t.kind === 'list') return v.map((x) => value(t.element, x));
  if (t.kind === 'struct') {
    const out = {};
    for (const f of t.fields) out[f.name] = value(f.type, v[f.name]);
    return out;
  }
  if (t.kind === 'float32') return Math.fround(v);
  return v;
}

for (const spec of specs) {
  const props = spec.props || {};
  const schema = [{ name: 'root', num_children: spec.columns.length },
                  ...spec.columns.flatMap((c) => elements(c.name, c.type, c.nullable))];
  const encodings = props.column_encodings || {};
  const columnData = spec.columns.map((c) => ({
    name: c.name,
    data: spec.rows.map((row) => value(c.type, row[c.name])),
    ...(encodings[c.name] ? { encoding: encodings[c.name] } : {}),
  }));
  const buffer = parquetWriteBuffer({
    columnData,
    schema,
    codec: props.compression || 'SNAPPY',
    compressors: { GZIP: (bytes) => new Uint8Array(zlib.gzipSync(bytes)) },
    ...(props.row_group_size ? { rowGroupSize: props.row_group_size } : {}),
    ...(props.page_size ? { pageSize: props.page_size } : {}),
  });
  fs.writeFileSync(spec.output, new Uint8Array(buffer));
}
