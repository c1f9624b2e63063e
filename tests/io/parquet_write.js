// Writes a Parquet file with a real writer (parquet-wasm = the Rust `parquet` crate that
// arrow-rs uses) from a JSON spec, for the C++ reader's tests:
//   node parquet_write.js <node_modules dir> <spec.json>
// spec (or an array of specs): { output, columns: [{name, type, nullable}], rows: [{...}], props: {...} }
// type: {kind: utf8|int32|int64|float32|float64|bool} | {kind: list, element: type, element_nullable}
//       | {kind: struct, fields: [{name, type, nullable}]}
// int64 values arrive as decimal strings (JSON numbers would lose precision past 2^53).
const path = require('path');
const fs = require('fs');
const modules = process.argv[2];
const specs = [].concat(JSON.parse(fs.readFileSync(process.argv[3], 'utf8')));  // one spec or an array
const arrow = require(path.join(modules, 'apache-arrow'));
const pq = require(path.join(modules, 'parquet-wasm', 'node', 'parquet_wasm.js'));

function arrowType(t) {
  switch (t.kind) {
    case 'utf8': return new arrow.Utf8();
    case 'int32': return new arrow.Int32();
    case 'int64': return new arrow.Int64();
    case 'float32': return new arrow.Float32();
    case 'float64': return new arrow.Float64();
    case 'bool': return new arrow.Bool();
    case 'list':
      return new arrow.List(new arrow.Field('item', arrowType(t.element), t.element_nullable !== false));
    case 'struct':
      return new arrow.Struct(t.fields.map((f) => new arrow.Field(f.name, arrowType(f.type), f.nullable !== false)));
    default: throw new Error('unknown type ' + t.kind);
  }
}

// JSON values -> what Arrow's builders take (BigInt for int64, recursively).
function toArrowValue(t, v) {
  if (v === null || v === undefined) return null;
  if (t.kind === 'int64') return BigInt(v);
  if (t.kind === 'list') return v.map((x) => toArrowValue(t.element, x));
  if (t.kind === 'struct') {
    const out = {};
    for (const f of t.fields) out[f.name] = toArrowValue(f.type, v[f.name]);
    return out;
  }
  return v;
}

function writeOne(spec) {
const fields = spec.columns.map((c) => new arrow.Field(c.name, arrowType(c.type), c.nullable !== false));
const schema = new arrow.Schema(fields);
const children = spec.columns.map((c, i) => {
  const builder = arrow.makeBuilder({ type: fields[i].type, nullValues: [null, undefined] });
  for (const row of spec.rows) builder.append(toArrowValue(c.type, row[c.name]));
  return builder.finish().flush();
});
const data = arrow.makeData({ type: new arrow.Struct(fields), length: spec.rows.length, nullCount: 0, children });
const table = new arrow.Table(schema, [new arrow.RecordBatch(schema, data)]);
const ipc = arrow.tableToIPC(table, 'stream');

const props = spec.props || {};
let builder = new pq.WriterPropertiesBuilder();
if (props.compression) builder = builder.setCompression(pq.Compression[props.compression]);
if (props.writer_version) builder = builder.setWriterVersion(pq.WriterVersion[props.writer_version]);
if (props.dictionary !== undefined) builder = builder.setDictionaryEnabled(props.dictionary);
if (props.max_row_group_size) builder = builder.setMaxRowGroupSize(props.max_row_group_size);
if (props.data_page_size_limit) builder = builder.setDataPageSizeLimit(props.data_page_size_limit);
if (props.write_batch_size) builder = builder.setWriteBatchSize(props.write_batch_size);
for (const [col, enc] of Object.entries(props.column_encodings || {})) {
  builder = builder.setColumnDictionaryEnabled(col, false).setColumnEncoding(col, pq.Encoding[enc]);
}
const bytes = pq.writeParquet(pq.Table.fromIPCStream(ipc), builder.build());
fs.writeFileSync(spec.output, bytes);
}

for (const spec of specs) writeOne(spec);
