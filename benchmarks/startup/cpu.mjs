// Start-up CPU of the CLI (issue 12: at 200,000 lines every 100 ms of start-up is 0.5 µs/line):
// user + sys CPU of whole `sluice` processes whose work is small enough that start-up is most
// of it: `ship --help`, a 3-line `ship` to the backend, and a `consume --module apache.access
// --exit-when-idle 1` of --consume-lines lines (shipped beforehand, not measured) into a fresh
// index (document count checked). Medians of --rounds runs; with --baseline, another
// checkout's built CLI runs each workload too, alternating, order flipped each round.
// Usage: node benchmarks/startup/cpu.mjs [--backend redis] [--consume-lines 1000] [--rounds 5]
//          [--baseline /path/to/other/checkout] [--only help,ship,consume] [--out FILE] [--help]
// Each run uses its own list/topic/queue and index (prefix bench-startup-), deleted afterwards.
import { spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { clisUnderTest, generatedLog } from '../lib/ab-cli.mjs';
import { cleanUp, median } from '../lib/broker-only.mjs';
import { checkBackends, brokerUrl as url } from '../lib/endpoints.mjs';
import { CLK_TCK } from '../lib/proc.mjs';
import { helpFromHeaderComment } from '../lib/usage.mjs';

helpFromHeaderComment(import.meta.url);

const es = process.env.ELASTICSEARCH_URL ?? 'http://127.0.0.1:9200';
const { values: args } = parseArgs({
  options: {
    backend: { type: 'string', default: 'redis' },
    'consume-lines': { type: 'string', default: '1000' },
    rounds: { type: 'string', default: '5' },
    baseline: { type: 'string' },
    only: { type: 'string', default: 'help,ship,consume' },
    out: { type: 'string' },
  },
});
const [backend] = checkBackends([args.backend]);
const rounds = Number(args.rounds);
const consumeLines = Number(args['consume-lines']);
for (const [k, v] of Object.entries({ rounds, 'consume-lines': consumeLines }))
  if (!Number.isInteger(v) || v < 1) throw new Error(`--${k} must be a positive integer, got ${v}`);
const only = args.only.split(',');
const clis = clisUnderTest(args.baseline);

const small = await generatedLog('sluice-bench-startup-', 3);
const big = await generatedLog('sluice-bench-startup-', consumeLines);

/** Runs node with these arguments; resolves with its exit code, stderr and user + sys CPU seconds. */
function run(argv) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, argv, {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, SLUICE_LOG_LEVEL: 'warn' },
    });
    let stderr = '';
    let cpu = 0;
    child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
    // The process's own counters include its threads; read until it is reaped.
    const timer = setInterval(() => {
      try {
        const stat = readFileSync(`/proc/${child.pid}/stat`, 'utf8');
        const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        cpu = (Number(f[11]) + Number(f[12])) / CLK_TCK;
      } catch {}
    }, 10);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearInterval(timer);
      resolve({ code, stderr, cpu });
    });
  });
}

// /proc stops answering a little before exit: the last few ms are lost to both sides alike.
// wait4's rusage is exact, so take it from /usr/bin/time where there is one.
const time = '/usr/bin/time';
let haveTime = false;
try {
  readFileSync(time);
  haveTime = true;
} catch {}
function runTimed(argv) {
  if (!haveTime) return run(argv);
  return new Promise((resolve, reject) => {
    const child = spawn(time, ['-f', '@@cpu %U %S', process.execPath, ...argv], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, SLUICE_LOG_LEVEL: 'warn' },
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
    child.once('error', reject);
    child.once('exit', () => {
      const m = stderr.match(/@@cpu ([\d.]+) ([\d.]+)\s*$/);
      const code = /Command exited with non-zero status (\d+)/.exec(stderr)?.[1];
      resolve({ code: code ? Number(code) : 0, stderr, cpu: m ? Number(m[1]) + Number(m[2]) : Number.NaN });
    });
  });
}

async function checked(what, argv) {
  const r = await runTimed(argv);
  if (r.code !== 0) throw new Error(`${what} exited ${r.code}: ${r.stderr}`);
  return r.cpu;
}

async function countDocs(index) {
  await fetch(`${es}/${index}/_refresh`, { method: 'POST' });
  return (await (await fetch(`${es}/${index}/_count`)).json()).count;
}

const id = Date.now().toString(36);
const workloads = {
  help: { label: '`ship --help`', run: (main) => checked('ship --help', [main, 'ship', '--help']) },
  ship: {
    label: `\`ship\` of 3 lines to ${backend}`,
    async run(main, tag) {
      const stream = `bench-startup-ship-${id}-${tag}`;
      try {
        return await checked('ship', [
          main,
          'ship',
          '--file',
          small.file,
          '--to',
          url(backend, stream),
          '--shipper-id',
          'bench',
        ]);
      } finally {
        await cleanUp(backend, [stream]);
      }
    },
  },
  consume: {
    label: `\`consume --module apache.access --exit-when-idle 1\` of ${consumeLines.toLocaleString('en')} lines from ${backend}`,
    async run(main, tag) {
      const stream = `bench-startup-consume-${id}-${tag}`;
      const target = url(backend, stream);
      try {
        await checked('ship', [
          clis[0].main,
          'ship',
          '--file',
          big.file,
          '--to',
          target,
          '--shipper-id',
          'bench',
        ]);
        const cpu = await checked('consume', [
          main,
          'consume',
          '--from',
          target,
          '--es',
          es,
          '--index',
          stream,
          '--module',
          'apache.access',
          '--group',
          stream,
          '--exit-when-idle',
          '1',
        ]);
        const docs = await countDocs(stream);
        if (docs !== consumeLines) throw new Error(`${stream}: ${docs} documents for ${consumeLines} lines`);
        return cpu;
      } finally {
        await cleanUp(backend, [stream], backend === 'kafka' || backend === 'redis-stream' ? [stream] : []);
        await fetch(`${es}/${stream}`, { method: 'DELETE' }).catch(() => {});
      }
    },
  },
};

const rows = [];
for (const name of only) {
  const workload = workloads[name];
  if (!workload)
    throw new Error(`--only: unknown workload ${name}; choose from ${Object.keys(workloads).join(', ')}`);
  const samples = new Map(clis.map((c) => [c.name, []]));
  for (let round = 1; round <= rounds; round++) {
    const order = round % 2 === 1 ? clis : [...clis].reverse();
    for (const cli of order) {
      const cpu = await workload.run(cli.main, `${round}-${clis.indexOf(cli)}`);
      samples.get(cli.name).push(cpu * 1000);
      process.stderr.write(`${name} round ${round} ${cli.name}: ${(cpu * 1000).toFixed(0)} ms\n`);
    }
  }
  rows.push({ label: workload.label, samples });
}
rmSync(small.dir, { recursive: true, force: true });
rmSync(big.dir, { recursive: true, force: true });

const date = new Date().toISOString().slice(0, 10);
const fmt = (xs) => `${median(xs).toFixed(0)} (${xs.map((x) => x.toFixed(0)).join(', ')})`;
let md = `# CLI start-up CPU, ${date}

- command: \`node benchmarks/startup/cpu.mjs --backend ${backend} --consume-lines ${consumeLines} --rounds ${rounds}${args.baseline ? ' --baseline <checkout before the change>' : ''}\`
- user + sys CPU ms of the whole process (all threads), median of ${rounds} (each run in brackets)${args.baseline ? '; baseline and this checkout alternate, order flipped each round' : ''}
- machine: ${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, Node ${process.version}; load average at the end ${os
  .loadavg()
  .map((l) => l.toFixed(1))
  .join(' / ')} (shared: compare columns of one run, not runs)

| workload | ${clis.map((c) => `${c.name} CPU ms`).join(' | ')}${args.baseline ? ' | after / before |' : ''}
|---|${clis.map(() => '---:|').join('')}${args.baseline ? '---:|' : ''}
`;
for (const r of rows) {
  const m = (n) => median(r.samples.get(n));
  md += `| ${r.label} | ${clis.map((c) => fmt(r.samples.get(c.name))).join(' | ')}${args.baseline ? ` | ${(m('this checkout') / m('baseline')).toFixed(2)} |` : ''}\n`;
}
if (args.out) writeFileSync(args.out, md);
process.stdout.write(md);
