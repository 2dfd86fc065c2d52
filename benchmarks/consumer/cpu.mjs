// The consumer's CPU per line (issue 12): `sluice consume --module apache.access` (or --pattern) draining a
// broker that `sluice ship` filled beforehand (so the consumer is alone on the machine's
// share of CPU), into a fresh Elasticsearch index. User + sys CPU of the whole process,
// start-up included, divided by the lines, and split per thread from /proc/<pid>/task:
// the main thread (broker I/O, bookkeeping, bulk requests) and the rest (parser workers,
// V8 and libuv helpers). Every run checks that the index holds exactly the lines shipped.
// With --baseline, another checkout's CLI (built) consumes the same workload back to back,
// order flipped each round: the before/after of a change.
// Usage: node benchmarks/consumer/cpu.mjs [--lines 200000] [--backends redis,kafka]
//          [--lines-per-message 1] [--rounds 3] [--baseline /path/to/other/checkout]
//          [--pattern '%{COMBINEDAPACHELOG}']  (instead of the module: compiled encoding)
//          [--node-args="--cpu-prof --cpu-prof-dir=/tmp/prof"]
//          [--consume-args="--batch-size 1000"]  (this checkout's runs only: with --baseline
//                                                 set to this same checkout, an A/B of a setting)
//          [--out FILE] (default: benchmarks/results/<date>-consumer-cpu[-N].md, the first not taken) [--help]
// Each run uses its own topic, list, queue and index (prefix bench-consumer-cpu-), deleted afterwards.
// BENCH_THREADS=1 also prints each thread's CPU seconds (main, parser workers, V8/libuv helpers).
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { abWorkload, clisUnderTest, generatedLog } from '../lib/ab-cli.mjs';
import { cleanUp, median } from '../lib/broker-only.mjs';
import { linesPerMessageKind, brokerUrl as url } from '../lib/endpoints.mjs';
import { CLK_TCK } from '../lib/proc.mjs';
import { freshResultBase } from '../lib/results.mjs';
import { helpFromHeaderComment } from '../lib/usage.mjs';

helpFromHeaderComment(import.meta.url);

const es = process.env.ELASTICSEARCH_URL ?? 'http://127.0.0.1:9200';
const { values: args } = parseArgs({
  options: {
    lines: { type: 'string', default: '200000' },
    backends: { type: 'string', default: 'redis,kafka' },
    'lines-per-message': { type: 'string', default: '1' },
    rounds: { type: 'string', default: '3' },
    baseline: { type: 'string' },
    'node-args': { type: 'string', default: '' },
    'consume-args': { type: 'string', default: '' },
    pattern: { type: 'string' },
    out: { type: 'string' },
  },
});
const { lines, rounds, backends, perMessage } = abWorkload(args);
const nodeArgs = args['node-args'].split(' ').filter(Boolean);
const consumeArgs = args['consume-args'].split(' ').filter(Boolean);
/** What parses: the module, or one grok pattern (the compiled-encoding path). */
const parsing = args.pattern === undefined ? ['--module', 'apache.access'] : ['--pattern', args.pattern];
const clis = clisUnderTest(args.baseline);

const { dir, file } = await generatedLog('sluice-bench-consumer-cpu-', lines);

function run(argv, extraNodeArgs = []) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...extraNodeArgs, ...argv], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, SLUICE_LOG_LEVEL: 'warn' },
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
    resolve({
      child,
      exited: new Promise((r) => child.once('exit', (code) => r({ code, stderr: () => stderr }))),
    });
    child.once('error', reject);
  });
}

/** CPU seconds per thread id, read now; a thread that exited keeps its last reading in `into`. */
function sampleThreads(pid, into) {
  let tids;
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return false;
  }
  for (const tid of tids) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // Keyed by tid and name: Node names its threads (node_worker, V8 workers, libuv).
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      into.set(Number(tid) === pid ? pid : `${tid}:${name}`, (Number(f[11]) + Number(f[12])) / CLK_TCK);
    } catch {}
  }
  return true;
}

/** Total CPU (user + sys) of the whole process from its own /proc/<pid>/stat, kept until exit. */
function processCpu(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / CLK_TCK;
  } catch {
    return undefined;
  }
}

async function ship(target) {
  const { exited } = await run([
    clis[0].main,
    'ship',
    '--file',
    file,
    '--to',
    target,
    '--shipper-id',
    'bench',
  ]);
  const { code, stderr } = await exited;
  if (code !== 0) throw new Error(`sluice ship exited ${code}: ${stderr()}`);
}

async function consume(main, source, index, group, extraArgs = []) {
  const { child, exited } = await run(
    [
      main,
      'consume',
      '--from',
      source,
      '--es',
      es,
      '--index',
      index,
      ...parsing,
      '--group',
      group,
      '--exit-when-idle',
      '1',
      ...extraArgs,
    ],
    nodeArgs,
  );
  const threads = new Map();
  let total = 0;
  const timer = setInterval(() => {
    sampleThreads(child.pid, threads);
    total = processCpu(child.pid) ?? total;
  }, 50);
  const { code, stderr } = await exited;
  clearInterval(timer);
  if (code !== 0) throw new Error(`sluice consume exited ${code}: ${stderr()}`);
  const main_ = threads.get(child.pid) ?? 0;
  if (process.env.BENCH_THREADS)
    process.stderr.write(
      `threads: ${[...threads]
        .filter(([, s]) => s >= 0.05)
        .map(([t, s]) => `${t === child.pid ? 'main' : t} ${s.toFixed(2)}`)
        .join(', ')}\n`,
    );
  return { total, main: main_, workers: Math.max(0, total - main_) };
}

async function countDocs(index) {
  await fetch(`${es}/${index}/_refresh`, { method: 'POST' });
  const r = await fetch(`${es}/${index}/_count`);
  return (await r.json()).count;
}

const rows = [];
const id = Date.now().toString(36);
for (const backend of backends) {
  for (const n of perMessage) {
    if (n > 1 && linesPerMessageKind(backend) === undefined) continue;
    const samples = new Map(clis.map((c) => [c.name, []]));
    for (let round = 1; round <= rounds; round++) {
      const order = round % 2 === 1 ? clis : [...clis].reverse();
      for (const cli of order) {
        const stream = `bench-consumer-cpu-${backend}-${n}-${id}-${round}-${clis.indexOf(cli)}`;
        const target = url(backend, stream, n > 1 ? `linesPerMessage=${n}` : '');
        try {
          await ship(target);
          const cpu = await consume(
            cli.main,
            target,
            stream,
            stream,
            cli.name === 'this checkout' ? consumeArgs : [],
          );
          const docs = await countDocs(stream);
          if (docs !== lines) throw new Error(`${stream}: ${docs} documents for ${lines} lines`);
          const per = {
            total: (cpu.total * 1e6) / lines,
            main: (cpu.main * 1e6) / lines,
            workers: (cpu.workers * 1e6) / lines,
          };
          samples.get(cli.name).push(per);
          process.stderr.write(
            `${backend} ×${n} round ${round} ${cli.name}: total ${per.total.toFixed(1)} µs/line, main ${per.main.toFixed(1)}, other threads ${per.workers.toFixed(1)}\n`,
          );
        } finally {
          await cleanUp(backend, [stream], backend === 'kafka' || backend === 'redis-stream' ? [stream] : []);
          await fetch(`${es}/${stream}`, { method: 'DELETE' }).catch(() => {});
        }
      }
    }
    rows.push({ backend, linesPerMessage: n, samples });
  }
}
rmSync(dir, { recursive: true, force: true });

const fmt = (xs, key) =>
  `${median(xs.map((x) => x[key])).toFixed(1)} (${xs.map((x) => x[key].toFixed(1)).join(', ')})`;
const date = new Date().toISOString().slice(0, 10);
const cols = ['total', 'main'];
let md = `# Consumer CPU per line, ${date}

- command: \`node benchmarks/consumer/cpu.mjs --lines ${lines} --backends ${backends.join(',')} --lines-per-message ${perMessage.join(',')} --rounds ${rounds}${args.pattern === undefined ? '' : ` --pattern '${args.pattern}'`}${args.baseline ? ' --baseline <checkout before the change>' : ''}${consumeArgs.length > 0 ? ` --consume-args="${consumeArgs.join(' ')}"` : ''}\`
- workload: \`sluice consume ${parsing.join(' ')} --exit-when-idle 1\` of ${lines.toLocaleString('en')} Apache combined lines (seed 42) shipped beforehand, into a fresh index (document count checked); user + sys CPU of the process, start-up included, divided by the lines; "main" is the main thread alone (/proc/<pid>/task/<pid>); median of ${rounds} run(s) (each run in brackets)${args.baseline ? '; baseline and this checkout alternate, order flipped each round' : ''}
- machine: ${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, Node ${process.version}; load average at the end ${os
  .loadavg()
  .map((l) => l.toFixed(1))
  .join(' / ')} (shared: compare columns of one run, not runs)

| backend | lines/message | ${clis.flatMap((c) => cols.map((k) => `${c.name} ${k} µs/line`)).join(' | ')}${args.baseline ? ' | total after / before | main after / before |' : ''}
|---|---:|${clis.flatMap(() => cols.map(() => '---:|')).join('')}${args.baseline ? '---:|---:|' : ''}
`;
for (const r of rows) {
  const m = (name, key) => median(r.samples.get(name).map((x) => x[key]));
  md += `| ${r.backend} | ${r.linesPerMessage} | ${clis.flatMap((c) => cols.map((k) => fmt(r.samples.get(c.name), k))).join(' | ')}${
    args.baseline
      ? ` | ${(m('this checkout', 'total') / m('baseline', 'total')).toFixed(2)} | ${(m('this checkout', 'main') / m('baseline', 'main')).toFixed(2)} |`
      : ''
  }\n`;
}
writeFileSync(args.out ?? `${freshResultBase('consumer-cpu', ['.md'], date)}.md`, md);
process.stdout.write(md);
