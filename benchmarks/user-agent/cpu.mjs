// CPU of the user_agent processor over many distinct user agents (issue 12: real access logs
// carry thousands of them, and the processor's cache only helps repeats). Each variant runs
// in a fresh node process: a processor with cache_size 0 parses --agents generated distinct
// UA strings once ("cold": each uap-core regex is compiled by V8 the first time it runs),
// then again ("warm"). Start-up of the rules (reading regexes.yaml) is its own column.
// CPU µs per UA string (process.cpuUsage of the child), medians of --rounds runs; with
// --baseline, another checkout's built parser runs too, alternating, order flipped each round.
// Usage: node benchmarks/user-agent/cpu.mjs [--agents 2000] [--rounds 3]
//          [--baseline /path/to/other/checkout] [--out FILE] [--help]
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { median } from '../lib/broker-only.mjs';
import { helpFromHeaderComment } from '../lib/usage.mjs';

helpFromHeaderComment(import.meta.url);

const { values: args } = parseArgs({
  options: {
    agents: { type: 'string', default: '2000' },
    rounds: { type: 'string', default: '3' },
    baseline: { type: 'string' },
    out: { type: 'string' },
    child: { type: 'string' },
  },
});

/** A seeded generator of realistic, distinct user agents: browsers, OSes, devices, bots, tools. */
function generateAgents(count, seed = 42) {
  let s = seed >>> 0;
  const rand = (n) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s % n;
  };
  const pick = (xs) => xs[rand(xs.length)];
  const v = (a, b) => `${a + rand(b - a + 1)}`;
  const android = () =>
    `Linux; Android ${v(7, 14)}; ${pick(['SM-G', 'SM-A', 'SM-S', 'Pixel ', 'M2101K', 'CPH', 'moto g', 'RMX', 'V2', 'LM-'])}${v(100, 999)}${pick(['', 'B', 'F', 'U', ' Pro'])}`;
  const platforms = [
    () =>
      `Windows NT ${pick(['10.0', '6.1', '6.3', '11.0'])}; ${pick(['Win64; x64', 'WOW64', 'Win64; x64; rv:1'])}`,
    () => `Macintosh; Intel Mac OS X ${v(10, 14)}_${v(0, 15)}${pick(['', `_${v(1, 7)}`])}`,
    () =>
      `X11; ${pick(['Linux x86_64', 'Ubuntu; Linux x86_64', 'Fedora; Linux x86_64', 'CrOS x86_64 15633.69.0'])}`,
    android,
    () => `iPhone; CPU iPhone OS ${v(12, 17)}_${v(0, 6)} like Mac OS X`,
    () => `iPad; CPU OS ${v(12, 17)}_${v(0, 6)} like Mac OS X`,
  ];
  const chrome = () => `${v(90, 125)}.0.${v(4000, 6400)}.${v(0, 200)}`;
  const browsers = [
    (p) => `Mozilla/5.0 (${p}) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${chrome()} Safari/537.36`,
    (p) =>
      `Mozilla/5.0 (${p}) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${chrome()} Mobile Safari/537.36`,
    (p) => `Mozilla/5.0 (${p}; rv:${v(90, 126)}.0) Gecko/20100101 Firefox/${v(90, 126)}.0`,
    (p) =>
      `Mozilla/5.0 (${p}) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/${v(12, 17)}.${v(0, 6)} Mobile/15E148 Safari/604.1`,
    (p) =>
      `Mozilla/5.0 (${p}) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${chrome()} Safari/537.36 Edg/${chrome()}`,
    (p) =>
      `Mozilla/5.0 (${p}) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${chrome()} Safari/537.36 OPR/${v(70, 110)}.0.${v(1000, 5000)}.${v(0, 99)}`,
    (p) =>
      `Mozilla/5.0 (${p}) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/${v(10, 25)}.0 Chrome/${chrome()} Mobile Safari/537.36`,
    (p) =>
      `Mozilla/5.0 (${p}) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/${chrome()} Mobile Safari/537.36 [FB_IAB/FB4A;FBAV/${v(300, 460)}.0.0.${v(10, 60)}.${v(10, 200)};]`,
  ];
  const others = [
    () => `curl/${v(7, 8)}.${v(0, 88)}.${v(0, 9)}`,
    () => `python-requests/2.${v(10, 32)}.${v(0, 9)}`,
    () => `Go-http-client/${v(1, 2)}.${v(0, 1)}`,
    () => `Wget/1.${v(12, 24)}.${v(0, 5)} (linux-gnu)`,
    () => `okhttp/${v(3, 4)}.${v(0, 12)}.${v(0, 9)}`,
    () => `Apache-HttpClient/4.5.${v(1, 14)} (Java/1.8.0_${v(100, 400)})`,
    () => `Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html) v${v(1, 999)}`,
    () => `Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm) ${v(1, 999)}`,
    () => `Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/) ${v(1, 999)}`,
    () => `Prometheus/2.${v(30, 50)}.${v(0, 9)}`,
    () => `kube-probe/1.${v(20, 30)}`,
    () => `Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots) ${v(1, 999)}`,
  ];
  const seen = new Set();
  const out = [];
  while (out.length < count) {
    const ua = rand(5) === 0 ? pick(others)() : pick(browsers)(pick(platforms)());
    if (seen.has(ua)) continue;
    seen.add(ua);
    out.push(ua);
  }
  return out;
}

const agentCount = Number(args.agents);
const rounds = Number(args.rounds);
for (const [k, val] of Object.entries({ agents: agentCount, rounds }))
  if (!Number.isInteger(val) || val < 1) throw new Error(`--${k} must be a positive integer, got ${val}`);

if (args.child !== undefined) {
  // In the child: one measurement of the parser at this root.
  const cpu = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  const agents = generateAgents(agentCount);
  const { userAgent } = await import(join(args.child, 'packages/parser/dist/processors/user-agent.js'));
  const t0 = cpu();
  const p = userAgent({ cache_size: 0 }, { where: 'bench' });
  const t1 = cpu();
  const pass = () => {
    const start = cpu();
    for (const ua of agents) p.apply({ user_agent: { original: ua } });
    return cpu() - start;
  };
  const cold = pass();
  const warm = pass();
  process.stdout.write(JSON.stringify({ load: t1 - t0, cold, warm }));
  process.exit(0);
}

const root = new URL('../../', import.meta.url).pathname;
const variants = [
  ...(args.baseline ? [{ name: 'baseline', root: args.baseline }] : []),
  { name: 'this checkout', root },
];
const samples = new Map(variants.map((x) => [x.name, { load: [], cold: [], warm: [] }]));
for (let round = 1; round <= rounds; round++) {
  const order = round % 2 === 1 ? variants : [...variants].reverse();
  for (const variant of order) {
    const out = execFileSync(
      process.execPath,
      [new URL(import.meta.url).pathname, '--child', variant.root, '--agents', String(agentCount)],
      { encoding: 'utf8' },
    );
    const r = JSON.parse(out);
    const s = samples.get(variant.name);
    s.load.push(r.load);
    s.cold.push((r.cold * 1000) / agentCount);
    s.warm.push((r.warm * 1000) / agentCount);
    process.stderr.write(
      `round ${round} ${variant.name}: load ${r.load.toFixed(0)} ms, cold ${((r.cold * 1000) / agentCount).toFixed(1)} µs/UA, warm ${((r.warm * 1000) / agentCount).toFixed(1)} µs/UA\n`,
    );
  }
}

const date = new Date().toISOString().slice(0, 10);
const fmt = (xs, digits) => `${median(xs).toFixed(digits)} (${xs.map((x) => x.toFixed(digits)).join(', ')})`;
let md = `# user_agent processor CPU over distinct user agents, ${date}

- command: \`node benchmarks/user-agent/cpu.mjs --agents ${agentCount} --rounds ${rounds}${args.baseline ? ' --baseline <checkout before the change>' : ''}\`
- ${agentCount.toLocaleString('en')} distinct generated UA strings (browsers × platforms × versions, tools, bots), cache off; CPU of a fresh process, median of ${rounds} (each run in brackets)
- load: ms to create the processor (reading uap-core's rules); cold: µs per UA on the first pass (V8 compiles each regex on its first run); warm: µs per UA on the second pass
- machine: ${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, Node ${process.version}; load average at the end ${os
  .loadavg()
  .map((l) => l.toFixed(1))
  .join(' / ')} (shared: compare rows of one run, not runs)

| checkout | load ms | cold µs/UA | warm µs/UA |
|---|---:|---:|---:|
`;
for (const variant of variants) {
  const s = samples.get(variant.name);
  md += `| ${variant.name} | ${fmt(s.load, 0)} | ${fmt(s.cold, 1)} | ${fmt(s.warm, 1)} |\n`;
}
if (args.baseline) {
  const ratio = (k) =>
    (median(samples.get('this checkout')[k]) / median(samples.get('baseline')[k])).toFixed(2);
  md += `| after / before | ${ratio('load')} | ${ratio('cold')} | ${ratio('warm')} |\n`;
}
if (args.out) writeFileSync(args.out, md);
process.stdout.write(md);
