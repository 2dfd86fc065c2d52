// The parse benchmark: lines/s and MiB/s for Apache common, Apache combined, syslog and a
// JSON log, each next to a bare baseline over the same lines in the same run:
//
//   bare        RegExp.exec over the lines with the very regex grok compiled (JSON.parse for
//               the JSON log): the floor, what any parser on this engine must pay.
//   regex+stringify
//               the ceiling of a hand-written parser on this engine: one plain regex for the
//               layout with named groups, a flat object of the captures, JSON.stringify (for
//               the JSON log: JSON.parse then JSON.stringify). The encode target is measured
//               against it (issue 12: encode >= 0.5x its throughput).
//   grok        Grok.matchInto: exec + writing the captures into an object (types applied).
//   pipeline    the per-record pipeline in this thread: start event, grok processor
//               (with its per-pattern statistics), @timestamp/event.created.
//   encode      pipeline + the bulk body (action line + JSON source per item): all the
//               work a worker does per record, on one core.
//   (module datasets: pipeline, encode and pool run the module; bare, grok and the ceiling
//   the dataset's plain pattern and layout, for comparison)
//   pool x N    ParserPool with N worker threads end to end (one wire batch in, EncodedBatch out,
//               batches of 1000, 2 batches in flight per thread).
//
// Rounds alternate the variants so that load from anything else on the machine hits them
// alike; the table reports the median round.
//
// Long lines: time per non-matching line of 10k, 30k and 100k characters (adversarial
// shapes: runs of "1.", digits, "- ", an open quote, a syslog header then dots) for
// %{COMBINEDAPACHELOG}, %{SYSLOGLINE} and the nginx.access module, unanchored as users
// write them. Each line runs in a TimedParser (the CLI's worker with a time budget), so a
// superlinear pattern costs at most --long-line-budget ms and is reported as over it.
// Usage:
// Usage: see USAGE below (`node benchmarks/parse/run.mjs --help`).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { freshResultBase } from '../lib/results.mjs';

const USAGE = `Usage: pnpm bench:parse [--lines N] [--rounds R] [--threads T] [--no-long-lines | --long-lines-only]
         [--only NAME] [--no-pool] [--no-write] [--long-line-budget MS] [--root DIR] [--help]
  --root DIR   benchmark the built packages of another checkout (DIR/packages/*/dist), e.g. the
               commit before a change, under the same conditions as this one
  --only NAME  datasets whose name contains NAME (case-insensitive); --no-pool skips the pools;
               --no-write prints the tables without writing the results file
Writes benchmarks/results/<date>-parse[-N].md (and .json; -N: the first name not taken).`;

const { values: args } = parseArgs({
  options: {
    help: { type: 'boolean', default: false },
    root: { type: 'string', default: new URL('../../', import.meta.url).pathname },
    lines: { type: 'string', default: '100000' },
    rounds: { type: 'string', default: '5' },
    threads: { type: 'string', default: String(os.availableParallelism()) },
    // For profiling and quick checks: a subset of datasets (case-insensitive substring),
    // no pools, and no results file.
    only: { type: 'string' },
    'no-pool': { type: 'boolean', default: false },
    'no-write': { type: 'boolean', default: false },
    'no-long-lines': { type: 'boolean', default: false },
    'long-lines-only': { type: 'boolean', default: false },
    'long-line-budget': { type: 'string', default: '10000' },
  },
});
if (args.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const root = args.root.endsWith('/') ? args.root : `${args.root}/`;
// From the checkout --root names (default: this one), so two commits can be measured in one
// run of this script; hence a path into the build rather than the package name.
const parser = await import(`${root}packages/parser/dist/index.js`);
const core = await import(`${root}packages/core/dist/index.js`);
const LINES = Number(args.lines);
const ROUNDS = Number(args.rounds);
const MAX_THREADS = Number(args.threads);
const BATCH = 1000;
const INDEX = 'logs-%{+yyyy.MM.dd}';

// Deterministic, varied lines (a small LCG, so every run parses the same text).
function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}
const pick = (r, list) => list[Math.floor(r() * list.length)];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const PATHS = [
  '/',
  '/index.html',
  '/api/v1/orders',
  '/api/v1/orders/7781?expand=items',
  '/static/app.3f2a1c.js',
  '/login',
  '/wp-login.php',
  '/health',
];
const AGENTS = [
  'Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
  'curl/8.5.0',
  'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
];
const pad = (n) => String(n).padStart(2, '0');
function ip(r) {
  return `${1 + Math.floor(r() * 223)}.${Math.floor(r() * 256)}.${Math.floor(r() * 256)}.${1 + Math.floor(r() * 254)}`;
}
function common(r) {
  const user = r() < 0.2 ? 'alice' : '-';
  return `${ip(r)} - ${user} [${pad(1 + Math.floor(r() * 28))}/${pick(r, MONTHS)}/2024:${pad(Math.floor(r() * 24))}:${pad(Math.floor(r() * 60))}:${pad(Math.floor(r() * 60))} +0000] "${pick(r, ['GET', 'GET', 'POST', 'PUT'])} ${pick(r, PATHS)} HTTP/1.1" ${pick(r, [200, 200, 200, 304, 404, 500])} ${Math.floor(r() * 50000)}`;
}
function combined(r) {
  return `${common(r)} "${r() < 0.5 ? '-' : 'https://shop.example.com/cart'}" "${pick(r, AGENTS)}"`;
}
function syslog(r) {
  const day = 1 + Math.floor(r() * 28);
  const msg = pick(r, [
    `Failed password for invalid user admin from ${ip(r)} port ${1024 + Math.floor(r() * 60000)} ssh2`,
    `Accepted publickey for deploy from ${ip(r)} port ${1024 + Math.floor(r() * 60000)} ssh2`,
    '(root) CMD (run-parts /etc/cron.hourly)',
    `Started Session ${Math.floor(r() * 9999)} of user alice.`,
  ]);
  return `${pick(r, MONTHS)} ${day < 10 ? ` ${day}` : day} ${pad(Math.floor(r() * 24))}:${pad(Math.floor(r() * 60))}:${pad(Math.floor(r() * 60))} web-${pad(Math.floor(r() * 20))} ${pick(r, ['sshd', 'CRON', 'systemd'])}[${100 + Math.floor(r() * 60000)}]: ${msg}`;
}
function jsonLog(r) {
  return JSON.stringify({
    time: `2024-01-${pad(1 + Math.floor(r() * 28))}T${pad(Math.floor(r() * 24))}:${pad(Math.floor(r() * 60))}:${pad(Math.floor(r() * 60))}.${String(Math.floor(r() * 1000)).padStart(3, '0')}Z`,
    level: pick(r, ['info', 'info', 'warn', 'error', 'debug']),
    logger: pick(r, ['http', 'db', 'auth']),
    msg: pick(r, ['request served', 'slow query', 'token refreshed', 'cache miss']),
    user: { id: Math.floor(r() * 100000), name: pick(r, ['alice', 'bob', 'carol']) },
    latency_ms: Math.round(r() * 5000) / 10,
    trace_id: Math.floor(r() * 2 ** 32)
      .toString(16)
      .padStart(8, '0'),
  });
}

const tmp = `${os.tmpdir()}/sluice-bench-parse-${process.pid}`;
mkdirSync(tmp, { recursive: true });
writeFileSync(`${tmp}/json.yaml`, 'processors:\n  - json: { field: message, target: app }\n');

// The ceiling regexes: each layout written by hand with named groups, as a developer would
// for one known format (no IP validation, no alternatives).
const COMMON_LAYOUT = String.raw`^(?<clientip>\S+) (?<ident>\S+) (?<auth>\S+) \[(?<timestamp>[^\]]+)\] "(?<verb>\S+) (?<request>\S+) HTTP/(?<httpversion>[^"]+)" (?<response>\d{3}) (?<bytes>\d+|-)`;
const allDatasets = [
  {
    name: 'Apache common',
    make: common,
    pattern: '^%{HTTPD_COMMONLOG}',
    layout: new RegExp(`${COMMON_LAYOUT}$`),
  },
  {
    name: 'Apache combined',
    make: combined,
    pattern: '^%{HTTPD_COMBINEDLOG}',
    layout: new RegExp(`${COMMON_LAYOUT} "(?<referrer>[^"]*)" "(?<agent>[^"]*)"$`),
  },
  {
    name: 'syslog (RFC 3164)',
    make: syslog,
    pattern: '^%{SYSLOGLINE}',
    layout:
      /^(?<timestamp>\w{3} +\d+ [\d:]+) (?<host>\S+) (?<program>[^[:]+)(?:\[(?<pid>\d+)\])?: (?<message>.*)$/,
  },
  { name: 'JSON log', make: jsonLog, config: `${tmp}/json.yaml` },
  // Modules: the same lines through a module's whole pipeline (grok, then uri_parts,
  // user_agent, date, mutate...). bare, grok and the ceiling use the dataset's plain pattern
  // and layout, so each row says what the module's processors cost on top of the parse.
  {
    name: 'apache.access module (combined)',
    make: combined,
    module: 'apache.access',
    pattern: '^%{HTTPD_COMBINEDLOG}',
    layout: new RegExp(`${COMMON_LAYOUT} "(?<referrer>[^"]*)" "(?<agent>[^"]*)"$`),
  },
  {
    name: 'nginx.access module (combined)',
    make: combined,
    module: 'nginx.access',
    pattern: '^%{HTTPD_COMBINEDLOG}',
    layout: new RegExp(`${COMMON_LAYOUT} "(?<referrer>[^"]*)" "(?<agent>[^"]*)"$`),
  },
  {
    name: 'syslog.rfc3164 module',
    make: syslog,
    module: 'syslog.rfc3164',
    pattern: '^%{SYSLOGLINE}',
    layout:
      /^(?<timestamp>\w{3} +\d+ [\d:]+) (?<host>\S+) (?<program>[^[:]+)(?:\[(?<pid>\d+)\])?: (?<message>.*)$/,
  },
];
const datasets = args['long-lines-only']
  ? []
  : args.only
    ? allDatasets.filter((d) => d.name.toLowerCase().includes(args.only.toLowerCase()))
    : allDatasets;

function records(lines) {
  const shippedAt = Date.UTC(2024, 0, 15);
  // Each line decoded from bytes, as the consumer's records are (from broker payloads): the
  // generators build lines by concatenation, and joining those trees for the pool's wire
  // batch cost the main thread 0.4 µs per line that decoded lines do not (0.07).
  return lines.map((line, i) => ({
    id: `r${i}`,
    line: Buffer.from(line).toString(),
    format: 'raw',
    shippedAt,
    origin: 'bench',
  }));
}

// Wall time, and CPU time of the whole process (all threads, workers included): on a
// machine shared with other work the CPU time still says what the parsing cost.
const cpuSeconds = (since) => {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1e6;
};

function time(fn) {
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  const result = fn();
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, cpu: cpuSeconds(cpu), result };
}

// CPU time of the calling (main) thread alone, in seconds, or undefined where the kernel does
// not say (/proc/self/task/<tid>/schedstat is Linux, in ns; the main thread's tid is the pid).
// The pool's bookkeeping there is what shares the cores with its workers.
function mainThreadSeconds() {
  try {
    return Number(readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ')[0]) / 1e9;
  } catch {
    return undefined;
  }
}

async function timeAsync(fn) {
  const cpu = process.cpuUsage();
  const main = mainThreadSeconds();
  const started = process.hrtime.bigint();
  const result = await fn();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const mainAfter = mainThreadSeconds();
  return {
    seconds,
    cpu: cpuSeconds(cpu),
    mainCpu: main === undefined || mainAfter === undefined ? undefined : mainAfter - main,
    result,
  };
}

async function runPool(pool, batches) {
  // Keep 2 batches per thread in flight, like the consumer's in-flight budget would.
  let next = 0;
  let items = 0;
  const worker = async () => {
    while (next < batches.length) {
      const batch = batches[next++];
      const encoded = await pool.encode(batch);
      items += encoded.recordIndex.length;
      // What the consumer does once the sink has written the batch: its body's memory goes back to the workers.
      pool.accepted?.(encoded);
    }
  };
  await Promise.all(Array.from({ length: pool.threads * 2 }, worker));
  return items;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const results = [];

for (const dataset of datasets) {
  const r = rng(42);
  const lines = Array.from({ length: LINES }, () => dataset.make(r));
  const recs = records(lines);
  const bytes = lines.reduce((n, l) => n + Buffer.byteLength(l), 0);
  const batches = [];
  for (let i = 0; i < recs.length; i += BATCH) batches.push(recs.slice(i, i + BATCH));
  const source = dataset.module
    ? { module: dataset.module }
    : dataset.pattern
      ? { patterns: [dataset.pattern] }
      : { configFile: dataset.config };

  const pipelineFn = await parser.compileSource(source);
  const runRecord = await parser.createPipeline(source);
  const indexName = core.compileIndexName(INDEX);
  const grok = dataset.pattern ? new parser.Grok([dataset.pattern]) : undefined;
  const regex = grok?.patterns[0].regex;

  // A flat object of the named captures, with constant keys (generated once, as a
  // hand-written parser would have them in its source).
  const layout = dataset.layout;
  const flat = layout
    ? new Function(
        'g',
        `return { ${[...layout.source.matchAll(/\(\?<(\w+)>/g)].map((m) => `${m[1]}: g.${m[1]}`).join(', ')} };`,
      )
    : undefined;

  const variants = {
    'regex+stringify': () => {
      let written = 0;
      if (layout) {
        for (let i = 0; i < lines.length; i++) {
          const m = layout.exec(lines[i]);
          if (m !== null && JSON.stringify(flat(m.groups)).length > 0) written++;
        }
      } else {
        for (let i = 0; i < lines.length; i++) if (JSON.stringify(JSON.parse(lines[i])).length > 0) written++;
      }
      return written;
    },
    bare: () => {
      let matched = 0;
      if (regex) {
        for (let i = 0; i < lines.length; i++) if (regex.exec(lines[i]) !== null) matched++;
      } else {
        for (let i = 0; i < lines.length; i++) if (JSON.parse(lines[i]) !== null) matched++;
      }
      return matched;
    },
    grok: grok
      ? () => {
          let matched = 0;
          for (let i = 0; i < lines.length; i++) if (grok.matchInto(lines[i], {}) >= 0) matched++;
          return matched;
        }
      : undefined,
    pipeline: () => {
      let n = 0;
      for (let i = 0; i < recs.length; i++) n += runRecord(recs[i]).length;
      return n;
    },
    encode: () => {
      let items = 0;
      for (const batch of batches) {
        const encoded = parser.encodeRecords(batch, {
          pipeline: pipelineFn,
          indexName,
          indexReadsFields: false,
        });
        items += encoded.recordIndex.length;
        // As a worker's bodies come back from the consumer (ParserPool.accepted); a build without it allocates each.
        parser.recycleBody?.(encoded.body);
      }
      return items;
    },
  };

  const pools = {};
  const threadCounts = args['no-pool'] ? [] : [...new Set([1, MAX_THREADS])];
  for (const t of threadCounts) {
    // A pool of t workers from the start (a consumer's pool starts with one and grows).
    pools[t] = await parser.ParserPool.create({ pipeline: source, index: INDEX, threads: t, minThreads: t });
    // Warm up: workers started and their code optimised (5 batches left the first timed
    // round of each pool paying for its workers' compilation, two workers' for pool x2).
    await runPool(pools[t], batches.slice(0, 30));
  }
  for (const fn of Object.values(variants)) if (fn) fn(); // warm up

  const rounds = {};
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, fn] of Object.entries(variants)) {
      if (!fn) continue;
      const { seconds, cpu, result } = time(fn);
      if (typeof result === 'number' && result !== LINES) {
        throw new Error(
          `${dataset.name}/${name}: ${result} of ${LINES} lines handled; the benchmark lines must all parse`,
        );
      }
      rounds[name] ??= [];
      rounds[name].push({ seconds, cpu });
    }
    for (const t of threadCounts) {
      const { seconds, cpu, mainCpu, result } = await timeAsync(() => runPool(pools[t], batches));
      if (result !== LINES) throw new Error(`${dataset.name}/pool ${t}: ${result} items for ${LINES} lines`);
      rounds[`pool x${t}`] ??= [];
      rounds[`pool x${t}`].push({ seconds, cpu, mainCpu });
    }
  }
  for (const pool of Object.values(pools)) await pool.close();

  const row = { dataset: dataset.name, lines: LINES, bytes, variants: {} };
  for (const [name, runs] of Object.entries(rounds)) {
    const s = median(runs.map((r) => r.seconds));
    const cpu = median(runs.map((r) => r.cpu));
    const mainCpu = runs.every((r) => r.mainCpu !== undefined)
      ? median(runs.map((r) => r.mainCpu))
      : undefined;
    row.variants[name] = {
      seconds: s,
      cpuSeconds: cpu,
      ...(mainCpu === undefined ? {} : { mainThreadUsPerLine: (mainCpu * 1e6) / LINES }),
      linesPerSec: LINES / s,
      mibPerSec: bytes / 2 ** 20 / s,
      linesPerCpuSec: LINES / cpu,
    };
  }
  results.push(row);
  const v = row.variants;
  process.stderr.write(
    `${dataset.name}: ${Object.entries(v)
      .map(([k, x]) => `${k} ${Math.round(x.linesPerSec).toLocaleString('en-US')}/s`)
      .join(', ')}\n`,
  );
}

// ---- long non-matching lines ----
const LONG_SIZES = [10_000, 30_000, 100_000];
const LONG_BUDGET_MS = Number(args['long-line-budget']);
const longShapes = {
  '"1." repeated': (n) => '1.'.repeat(n / 2),
  digits: (n) => '1'.repeat(n),
  'IP then "- " repeated': (n) => `1.2.3.4 ${'- '.repeat((n - 8) / 2)}`,
  'access line, open quote': (n) => {
    const head = '1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET /';
    return head + 'a'.repeat(n - head.length);
  },
  'syslog header, then "1."': (n) => {
    const head = 'Jan  1 00:00:00 ';
    return head + '1.'.repeat((n - head.length) / 2);
  },
};
const longSources = [
  { name: '%{COMBINEDAPACHELOG}', source: { patterns: ['%{COMBINEDAPACHELOG}'] } },
  { name: '%{SYSLOGLINE}', source: { patterns: ['%{SYSLOGLINE}'] } },
  { name: 'module nginx.access', source: { module: 'nginx.access' } },
];
const longRows = [];
if (!args['no-long-lines']) {
  for (const { name, source } of longSources) {
    const timed = await parser.TimedParser.create({ kind: 'pipeline', source }, { budgetMs: LONG_BUDGET_MS });
    await timed.parse(records(['warm up']));
    shapes: for (const [shape, make] of Object.entries(longShapes)) {
      const row = { source: name, shape, ms: {} };
      for (const size of LONG_SIZES) {
        const line = make(size);
        const runs = [];
        let over = false;
        // Up to 3 runs, fewer when one takes a second or more: the median (or the one run).
        for (let i = 0; i < 3; i++) {
          const started = performance.now();
          const [result] = await timed.parse(records([line]));
          const ms = performance.now() - started;
          if (result.timedOut) {
            over = true;
            break;
          }
          // A pattern that rightly matches this shape (Logstash's SYSLOGLINE takes any text
          // after a syslog header) has no failure to time on it.
          if (result.failures.length === 0) {
            process.stderr.write(`long lines, ${name}, ${shape}: matches (no failure to time)\n`);
            continue shapes;
          }
          runs.push(ms);
          if (ms >= 1000) break;
        }
        row.ms[size] = over ? null : median(runs);
      }
      longRows.push(row);
      process.stderr.write(
        `long lines, ${name}, ${shape}: ${LONG_SIZES.map((n) => `${n / 1000}k ${row.ms[n] === null ? `> ${LONG_BUDGET_MS} ms` : `${row.ms[n].toFixed(1)} ms`}`).join(', ')}\n`,
      );
    }
    await timed.close();
  }
}

// ---- the table ----
const fmt = (n) => Math.round(n).toLocaleString('en-US');
const cpus = os.cpus();
const date = new Date().toISOString().slice(0, 10);
const load = os
  .loadavg()
  .map((l) => l.toFixed(1))
  .join(' / ');
let md = `# Parse benchmark, ${date}\n\n`;
md += `Machine: ${cpus.length} × ${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.type()} ${os.release()}. Node ${process.version}. Load average at the end (1/5/15 min): ${load}.\n`;
if (results.length > 0) {
  md += `${LINES.toLocaleString('en-US')} lines per dataset, median of ${ROUNDS} alternating rounds. Pool: batches of ${BATCH}, 2 in flight per thread.\n\n`;
  md +=
    '| dataset | variant | lines/s | MiB/s | time vs bare | lines per CPU-second | CPU vs bare | cores used |\n|---|---|---:|---:|---:|---:|---:|---:|\n';
  for (const row of results) {
    const bare = row.variants.bare;
    for (const [name, v] of Object.entries(row.variants)) {
      md += `| ${row.dataset} | ${name} | ${fmt(v.linesPerSec)} | ${v.mibPerSec.toFixed(1)} | ${(v.seconds / bare.seconds).toFixed(2)}x | ${fmt(v.linesPerCpuSec)} | ${(v.cpuSeconds / bare.cpuSeconds).toFixed(2)}x | ${(v.cpuSeconds / v.seconds).toFixed(2)} |\n`;
    }
  }
  md += `\n## Targets\n\n| dataset | encode vs regex+stringify, throughput (target ≥ 0.5x) | same, per CPU-second | grok vs bare regex, wall (target ≤ 1.15x) | same, CPU | pool x${MAX_THREADS} / pool x1 throughput (target ≥ 1.8x) | pool x1 CPU per line vs encode | calling thread µs/line, pool x1 / x${MAX_THREADS} |\n|---|---:|---:|---:|---:|---:|---:|---:|\n`;
  for (const row of results) {
    const v = row.variants;
    const grokCpu = v.grok ? `${(v.grok.cpuSeconds / v.bare.cpuSeconds).toFixed(2)}x` : 'n/a';
    const grokRatio = v.grok ? (v.grok.seconds / v.bare.seconds).toFixed(2) + 'x' : 'n/a (no grok)';
    const scale =
      v[`pool x${MAX_THREADS}`] && v['pool x1']
        ? (v['pool x1'].seconds / v[`pool x${MAX_THREADS}`].seconds).toFixed(2) + 'x'
        : 'n/a';
    // What the pool costs on top of the worker's own per-record work (thread crossing, the
    // main thread's side, both isolates' GC): CPU that a second core has to share.
    const overhead =
      v['pool x1'] && v.encode ? `${(v['pool x1'].cpuSeconds / v.encode.cpuSeconds).toFixed(2)}x` : 'n/a';
    const ceiling = v['regex+stringify'];
    const encodeWall = ceiling && v.encode ? `${(ceiling.seconds / v.encode.seconds).toFixed(2)}x` : 'n/a';
    const encodeCpu =
      ceiling && v.encode ? `${(ceiling.cpuSeconds / v.encode.cpuSeconds).toFixed(2)}x` : 'n/a';
    const mainUs = (x) => (x?.mainThreadUsPerLine === undefined ? 'n/a' : x.mainThreadUsPerLine.toFixed(2));
    const calling = `${mainUs(v['pool x1'])} / ${mainUs(v[`pool x${MAX_THREADS}`])}`;
    md += `| ${row.dataset} | ${encodeWall} | ${encodeCpu} | ${grokRatio} | ${grokCpu} | ${scale} | ${overhead} | ${calling} |\n`;
  }
  md +=
    '\n**Reading it**: "cores used" is the process\'s CPU time over wall time. Where pool x2 uses barely more than one core, the machine did not have a second core free (other load: see the load average above), and the wall-clock scaling says nothing about the pool; lines per CPU-second still compare the variants\' cost. "pool x1 CPU per line vs encode" is what the pool adds to a worker\'s own work (crossing threads, the main thread\'s side, garbage collection in both isolates): that extra work shares the two cores with the workers, so the further it is above about 1.1x, the further two workers fall short of 1.8x however quiet the machine. "calling thread µs/line" is the CPU time of the thread that calls the pool (the consumer\'s main thread: handing batches over, receiving bodies, bookkeeping), from the kernel\'s per-thread accounting; on two cores it competes with the two workers.\n' +
    "\nVariants: **regex+stringify** = the ceiling: one hand-written regex for the layout with named groups, a flat object of its captures, `JSON.stringify` (JSON.parse + JSON.stringify for the JSON log); **bare** = `RegExp.exec` with the regex grok compiled (JSON.parse for the JSON log); **grok** = exec + captures into an object with types; **pipeline** = the per-record pipeline in one thread (start event, grok processor with per-pattern statistics, timestamps); **encode** = pipeline + bulk body (action + JSON source per item), i.e. a worker's whole per-record work on one core; **pool xN** = ParserPool end to end with N worker threads (batch in as concatenated lines, EncodedBatch out).\n";
}

if (longRows.length > 0) {
  const cell = (ms) =>
    ms === null ? `> ${LONG_BUDGET_MS.toLocaleString('en-US')} (timed out)` : ms.toFixed(1);
  md += `\n## Long non-matching lines\n\nTime per line in ms (median of up to 3 runs; one run when it takes a second or more), each line parsed in a TimedParser worker with a ${LONG_BUDGET_MS.toLocaleString('en-US')} ms budget (the time includes about 0.1 ms of thread crossing). Patterns unanchored, as users write them. A linear pattern costs about 10x from 10k to 100k; a quadratic one about 100x.\n\n`;
  md += `| pipeline | line shape | ${LONG_SIZES.map((n) => `${n / 1000}k chars`).join(' | ')} |\n|---|---|${LONG_SIZES.map(() => '---:').join('|')}|\n`;
  for (const row of longRows)
    md += `| ${row.source} | ${row.shape} | ${LONG_SIZES.map((n) => cell(row.ms[n])).join(' | ')} |\n`;
}
process.stdout.write(md);
if (!args['no-write']) {
  const out = freshResultBase(`parse${args['long-lines-only'] ? '-long-lines' : ''}`, ['.md', '.json'], date);
  writeFileSync(`${out}.md`, md);
  writeFileSync(
    `${out}.json`,
    `${JSON.stringify({ date, node: process.version, load: os.loadavg(), results, longLines: longRows }, null, 2)}\n`,
  );
  process.stderr.write(`wrote ${out}.md\n`);
}
