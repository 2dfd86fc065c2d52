// What compiled encoding could still gain on a module (issue 12): the serialisation of the
// events a module makes, JSON.stringify against generated writers for the events' most common
// shape, each followed by the UTF-8 encode into a buffer that a bulk body needs anyway.
//
// - JSON.stringify: what the generic path does today.
// - generated, checked: one function per shape with the keys as constants, each string value
//   tested for characters JSON must escape (JSON.stringify where one is found). What a
//   compiled module writer would do for values it cannot prove clean.
// - generated, unchecked: the same with no test at all, every string but `message` written
//   between quotes as it is. Not correct in general (a value with a quote would break the
//   document): the ceiling of any compiled writer that still builds the event, i.e. what
//   skipping the JSON.stringify walk could gain at most.
// All three are checked to write the same text as JSON.stringify for every event used (events
// with a value the unchecked writer would get wrong are left out of its column's check and
// counted). CPU µs per event after one unmeasured pass each, rounds alternated, min and median.
//
//   node benchmarks/parse/serialize-ceiling.mjs [--module apache.access] [--format combined]
//     [--lines 20000] [--rounds 9] [--out benchmarks/results/<date>-serialize-ceiling.md]
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { shipperFields } from '../lib/shipped.mjs';
import { helpFromHeaderComment } from '../lib/usage.mjs';

helpFromHeaderComment(import.meta.url);
const { values: a } = parseArgs({
  options: {
    module: { type: 'string', default: 'apache.access' },
    format: { type: 'string', default: 'combined' },
    lines: { type: 'string', default: '20000' },
    rounds: { type: 'string', default: '9' },
    out: { type: 'string' },
  },
});
const root = new URL('../../', import.meta.url).pathname;
const { generateLines } = await import(`${root}packages/testkit/dist/index.js`);
const parser = await import(`${root}packages/parser/dist/index.js`);
const shippedAt = Date.UTC(2026, 0, 15);
const path = '/var/log/apache2/access.log';
const run = await parser.createPipeline({ module: a.module });

// Events as a worker makes them from shipped records (the shipper's own fields included).
const lines = [...generateLines(Number(a.lines), { format: a.format, seed: 7 })];
let offset = 0;
const events = [];
for (const [i, line] of lines.entries()) {
  const fields = shipperFields(path, shippedAt, offset);
  offset += Buffer.byteLength(line) + 1;
  events.push(...run({ id: `r${i}`, line, format: 'raw', shippedAt, fields }));
}

/** The shape of a value: its keys, recursively, in order. */
const shapeOf = (v) =>
  v !== null && typeof v === 'object' && !Array.isArray(v)
    ? `{${Object.keys(v)
        .map((k) => `${JSON.stringify(k)}:${shapeOf(v[k])}`)
        .join(',')}}`
    : Array.isArray(v)
      ? '[]'
      : typeof v;
const byShape = new Map();
for (const e of events) {
  const s = shapeOf(e);
  const same = byShape.get(s);
  if (same === undefined) byShape.set(s, [e]);
  else same.push(e);
}
const sample = [...byShape.values()].sort((x, y) => y.length - x.length)[0];

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what JSON escapes
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;
const checked = (s) => (NEEDS_ESCAPE.test(s) ? JSON.stringify(s) : `"${s}"`);

/** A writer for events of `model`'s shape: constant keys, values in place. */
function generate(model, check) {
  const expr = (o, at) => {
    const parts = [];
    Object.keys(o).forEach((k, i) => {
      const key = JSON.stringify(`${i === 0 ? '{' : ','}${JSON.stringify(k)}:`);
      const x = o[k];
      const ref = `${at}[${JSON.stringify(k)}]`;
      if (x !== null && typeof x === 'object' && !Array.isArray(x)) parts.push(`${key}+${expr(x, ref)}`);
      else if (typeof x === 'string' && (check || k === 'message'))
        parts.push(`${key}+${k === 'message' ? `JSON.stringify(${ref})` : `checked(${ref})`}`);
      else if (typeof x === 'string') parts.push(`${key}+'"'+${ref}+'"'`);
      else parts.push(`${key}+JSON.stringify(${ref})`);
    });
    return `(${parts.join('+')}+'}')`;
  };
  return new Function('checked', `return (e) => ${expr(model, 'e')}`)(checked);
}
const writers = {
  'JSON.stringify': (e) => JSON.stringify(e),
  'generated, checked': generate(sample[0], true),
  'generated, unchecked (ceiling)': generate(sample[0], false),
};
let unsafe = 0;
for (const e of sample) {
  const want = JSON.stringify(e);
  if (writers['generated, checked'](e) !== want)
    throw new Error('the checked writer differs from JSON.stringify');
  if (writers['generated, unchecked (ceiling)'](e) !== want) unsafe++;
}

const out = new Uint8Array(1 << 20);
const encoder = new TextEncoder();
const perEvent = Object.fromEntries(Object.keys(writers).map((k) => [k, []]));
const names = Object.keys(writers);
// One pass each first, not measured: the first round would otherwise time the JIT's work.
for (const name of names) for (const e of sample) encoder.encodeInto(writers[name](e), out);
for (let r = 0; r < Number(a.rounds); r++) {
  for (const name of r % 2 === 0 ? names : [...names].reverse()) {
    const write = writers[name];
    const cpu = process.cpuUsage();
    for (const e of sample) encoder.encodeInto(write(e), out);
    const used = process.cpuUsage(cpu);
    perEvent[name].push((used.user + used.system) / sample.length);
  }
}
const stat = (xs) => {
  const s = [...xs].sort((x, y) => x - y);
  return { min: s[0], median: s[Math.floor(s.length / 2)] };
};
const base = stat(perEvent['JSON.stringify']);
const rows = names.map((name) => {
  const s = stat(perEvent[name]);
  return `| ${name} | ${s.min.toFixed(2)} | ${s.median.toFixed(2)} | ${(s.median / base.median).toFixed(2)} |`;
});
const bytes = sample.reduce((n, e) => n + Buffer.byteLength(JSON.stringify(e)), 0) / sample.length;
const text = `# Serialising a module's events, ${new Date().toISOString().slice(0, 10)}

- command: \`node benchmarks/parse/serialize-ceiling.mjs --module ${a.module} --format ${a.format} --lines ${a.lines} --rounds ${a.rounds}\`
- events: ${sample.length} of ${events.length} (the most common of ${byShape.size} shapes), ${bytes.toFixed(0)} bytes of JSON each on average; ${unsafe} of them hold a value the unchecked writer gets wrong
- each writer's text is UTF-8-encoded into a buffer (TextEncoder.encodeInto), as a bulk body needs; CPU µs per event, rounds alternated
- machine: ${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, Node ${process.version}; load average at the end ${os
  .loadavg()
  .map((x) => x.toFixed(1))
  .join(' / ')}

| writer | min µs/event | median µs/event | median / JSON.stringify |
|---|---:|---:|---:|
${rows.join('\n')}
`;
process.stdout.write(text);
if (a.out !== undefined) writeFileSync(a.out, text);
