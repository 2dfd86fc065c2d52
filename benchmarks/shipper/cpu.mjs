// The shipper's CPU per line (issue 12): `sluice ship --file F --to URL` of one generated file,
// user + sys CPU of the whole process (start-up included) divided by the lines, per backend
// and lines per message, with the shipper alone on the broker (no consumer). With --baseline,
// another checkout's CLI (built) runs the same workload back to back, order flipped each
// round, and the table shows both and their ratio: the before/after of a change.
// Usage: node benchmarks/shipper/cpu.mjs [--lines 200000] [--backends redis,redis-stream,kafka]
//          [--lines-per-message 1,100] [--rounds 3] [--baseline /path/to/other/checkout]
//          [--out FILE] (default: benchmarks/results/<date>-shipper-cpu[-N].md, the first not taken) [--help]
// Each run ships to its own topic, list or stream (prefix bench-cpu-), deleted afterwards.
import { spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { abWorkload, clisUnderTest, generatedLog } from '../lib/ab-cli.mjs';
import { cleanUp, median } from '../lib/broker-only.mjs';
import { linesPerMessageKind, brokerUrl as url } from '../lib/endpoints.mjs';
import { freshResultBase } from '../lib/results.mjs';
import { helpFromHeaderComment } from '../lib/usage.mjs';

helpFromHeaderComment(import.meta.url);

const { values: args } = parseArgs({
  options: {
    lines: { type: 'string', default: '200000' },
    backends: { type: 'string', default: 'redis,redis-stream,kafka' },
    'lines-per-message': { type: 'string', default: '1,100' },
    rounds: { type: 'string', default: '3' },
    baseline: { type: 'string' },
    out: { type: 'string' },
  },
});
const { lines, rounds, backends, perMessage } = abWorkload(args);
const clis = clisUnderTest(args.baseline);

const { dir, file } = await generatedLog('sluice-bench-cpu-', lines);

/** User + sys CPU seconds of one `sluice ship` run, from bash's `times` (the child's rusage). */
function shipCpu(main, target) {
  return new Promise((resolve, reject) => {
    const script = `"${process.execPath}" "${main}" ship --file "${file}" --to "${target}" --shipper-id bench >/dev/null 2>"${dir}/stderr" || exit 3; times`;
    const child = spawn('bash', ['-c', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.once('exit', (code) => {
      if (code !== 0)
        return reject(new Error(`sluice ship failed: ${readFileSync(`${dir}/stderr`, 'utf8').slice(-2000)}`));
      // `times`: the shell's own user/sys, then its children's.
      const children = out.trim().split('\n').at(-1) ?? '';
      const seconds = [...children.matchAll(/(\d+)m([\d.]+)s/g)].map((m) => Number(m[1]) * 60 + Number(m[2]));
      resolve(seconds.reduce((a, b) => a + b, 0));
    });
  });
}

const rows = [];
const id = Date.now().toString(36);
for (const backend of backends) {
  for (const n of perMessage) {
    if (n > 1 && linesPerMessageKind(backend) === undefined) continue; // one line per message only
    const samples = new Map(clis.map((c) => [c.name, []]));
    for (let round = 1; round <= rounds; round++) {
      const order = round % 2 === 1 ? clis : [...clis].reverse();
      for (const cli of order) {
        const stream = `bench-cpu-${backend}-${n}-${id}-${round}-${clis.indexOf(cli)}`;
        try {
          const cpu = await shipCpu(cli.main, url(backend, stream, n > 1 ? `linesPerMessage=${n}` : ''));
          samples.get(cli.name).push((cpu * 1e6) / lines);
          process.stderr.write(
            `${backend} ×${n} round ${round} ${cli.name}: ${((cpu * 1e6) / lines).toFixed(1)} µs/line\n`,
          );
        } finally {
          await cleanUp(backend, [stream]);
        }
      }
    }
    rows.push({
      backend,
      linesPerMessage: n,
      ...Object.fromEntries(clis.map((c) => [c.name, samples.get(c.name)])),
    });
  }
}
rmSync(dir, { recursive: true, force: true });

const fmt = (xs) => `${median(xs).toFixed(1)} (${xs.map((x) => x.toFixed(1)).join(', ')})`;
const date = new Date().toISOString().slice(0, 10);
let md = `# Shipper CPU per line, ${date}

- command: \`node benchmarks/shipper/cpu.mjs --lines ${lines} --backends ${backends.join(',')} --lines-per-message ${perMessage.join(',')} --rounds ${rounds}${args.baseline ? ' --baseline <checkout before the change>' : ''}\`
- workload: \`sluice ship --file F --to URL\` of ${lines.toLocaleString('en')} Apache combined lines (seed 42), the shipper alone on the broker; user + sys CPU of the process, start-up included, divided by the lines; median of ${rounds} run(s) (each run in brackets)${args.baseline ? '; baseline and this checkout alternate, order flipped each round' : ''}
- machine: ${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, Node ${process.version}; load average at the end ${os
  .loadavg()
  .map((l) => l.toFixed(1))
  .join(' / ')} (shared: compare columns of one run, not runs)

| backend | lines/message | ${clis.map((c) => `${c.name} µs/line`).join(' | ')}${args.baseline ? ' | after / before |' : ''}
|---|---:|${clis.map(() => '---:|').join('')}${args.baseline ? '---:|' : ''}
`;
for (const r of rows) {
  md += `| ${r.backend} | ${r.linesPerMessage} | ${clis.map((c) => fmt(r[c.name])).join(' | ')}${args.baseline ? ` | ${(median(r['this checkout']) / median(r.baseline)).toFixed(2)} |` : ''}\n`;
}
const out = args.out ?? `${freshResultBase('shipper-cpu', ['.md'], date)}.md`;
writeFileSync(out, md);
process.stdout.write(md);
