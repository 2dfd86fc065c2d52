// The broker-only comparison shared by bench:brokers and bench:shipper: Sluice's producer and
// consumer adapters (sluice-broker.mjs, a child process per measurement) next to each broker's
// native load tool (native.mjs), alternating so that whatever else loads the machine hits both.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import amqplib from 'amqplib';
import { Redis } from 'ioredis';
import { Kafka, logLevel } from 'kafkajs';
import { amqpUrl, brokerUrl, kafkaBrokers, redisUrl } from './endpoints.mjs';
import { MiB, nativeConsume, nativePublish, SETTINGS } from './native.mjs';
import { watchProcess } from './proc.mjs';

const childScript = fileURLToPath(new URL('./sluice-broker.mjs', import.meta.url));

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** One Sluice adapter measurement in a fresh Node process; resolves with its JSON report. */
function runSluice(job) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [childScript, JSON.stringify(job)], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, SLUICE_LOG_LEVEL: 'warn' },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err = (err + d).slice(-4000)));
    const watch = watchProcess(child.pid, { intervalMs: 200 });
    child.once('exit', (code) => {
      watch.stop();
      if (code !== 0)
        return reject(new Error(`sluice ${job.mode} on ${job.backend} exited ${code}:\n${err}`));
      try {
        resolve(JSON.parse(out.trim().split('\n').at(-1)));
      } catch {
        reject(new Error(`sluice ${job.mode} on ${job.backend} printed no result:\n${out}\n${err}`));
      }
    });
  });
}

/** Topics with one partition for both sides: Sluice keys one source into one partition anyway. */
export async function createTopics(topics) {
  const admin = new Kafka({ brokers: kafkaBrokers.split(','), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    await admin.createTopics({
      topics: topics.map((topic) => ({ topic, numPartitions: 1 })),
      waitForLeaders: true,
    });
  } finally {
    await admin.disconnect();
  }
}

/** Frees what a run left on the broker (Kafka keeps data on disk until retention otherwise). */
export async function cleanUp(backend, streams, groups = []) {
  try {
    if (backend === 'kafka') {
      const admin = new Kafka({ brokers: kafkaBrokers.split(','), logLevel: logLevel.NOTHING }).admin();
      await admin.connect();
      if (groups.length > 0) await admin.deleteGroups(groups).catch(() => {});
      const existing = new Set(await admin.listTopics());
      const topics = streams.flatMap((s) => [s, `${s}.dlq`]).filter((t) => existing.has(t));
      if (topics.length > 0) await admin.deleteTopics({ topics });
      await admin.disconnect();
    } else if (backend === 'redis' || backend === 'redis-stream') {
      const redis = new Redis(redisUrl, { lazyConnect: true });
      await redis.connect();
      for (const s of streams) {
        const keys = [s, `${s}.dlq`, ...(await redis.keys(`${s}:sluice:*`))];
        await redis.del(...keys);
      }
      redis.disconnect();
    } else if (backend === 'rabbitmq') {
      const conn = await amqplib.connect(amqpUrl);
      const ch = await conn.createChannel();
      ch.on('error', () => {});
      for (const s of streams) {
        await ch.deleteQueue(s);
        await ch.deleteQueue(`${s}.dlq`);
        await ch.deleteExchange(`${s}.dlx`);
      }
      await conn.close();
    } else {
      // The native comparisons and this cleanup are written per backend; a new backend is
      // benchmarked end to end (run.mjs) without them until someone adds its branch here.
      throw new Error(`no clean-up for backend ${backend} in benchmarks/lib/broker-only.mjs`);
    }
  } catch (error) {
    console.error(`warning: could not clean up ${backend} ${streams.join(', ')}: ${error.message}`);
  }
}

function sluiceRow(r, size, settings) {
  const rate = r.records / r.seconds;
  return {
    records: r.records,
    rate: Math.round(rate),
    mibs: +((rate * size) / MiB).toFixed(2),
    cpuSeconds: +r.cpuSeconds.toFixed(2),
    peakRssMiB: Math.round(r.peakRssBytes / MiB),
    ...(r.wireBytesPerRecord ? { wireBytesPerRecord: r.wireBytesPerRecord } : {}),
    settings,
  };
}

/**
 * Publish then drain `records` records of `size` bytes per backend, `rounds` times, Sluice and
 * native alternating (the order flips every round). Returns every sample and, per backend and
 * direction, the medians and the median of the per-round ratios Sluice/native.
 */
export async function brokerOnlyComparison({
  backends,
  records,
  rounds,
  size,
  tools,
  inFlight = 1,
  query = '',
  note = () => {},
}) {
  const samples = [];
  const id = Date.now().toString(36);
  for (const backend of backends) {
    for (let round = 1; round <= rounds; round++) {
      const s = `bench-only-${backend}-sluice-${id}-${round}`;
      const n = `bench-only-${backend}-native-${id}-${round}`;
      const groups = [`${s}-g`, `${n}-g`];
      if (backend === 'kafka') await createTopics([s, n]);
      const sluiceFirst = round % 2 === 1;
      const steps = {
        'sluice publish': async () =>
          sluiceRow(
            await runSluice({
              mode: 'publish',
              backend,
              url: brokerUrl(backend, s, query),
              records,
              lineBytes: size,
              inFlight,
            }),
            size,
            `${SETTINGS[backend].sluicePublish}; ${inFlight} publish(es) of 1000 in flight${query ? `; ?${query}` : ''}`,
          ),
        'native publish': () => nativePublish(tools, backend, { stream: n, records, size }),
        'sluice consume': async () =>
          sluiceRow(
            await runSluice({
              mode: 'drain',
              backend,
              url: brokerUrl(backend, s, query),
              records,
              group: groups[0],
            }),
            size,
            `${SETTINGS[backend].sluiceConsume}${query ? `; ?${query}` : ''}`,
          ),
        'native consume': () => nativeConsume(tools, backend, { stream: n, records, size, group: groups[1] }),
      };
      const order = sluiceFirst
        ? ['sluice publish', 'native publish', 'sluice consume', 'native consume']
        : ['native publish', 'sluice publish', 'native consume', 'sluice consume'];
      try {
        for (const step of order) {
          note(`${backend} round ${round}/${rounds}: ${step} (${records.toLocaleString('en')} records)`);
          const [side, op] = step.split(' ');
          samples.push({ backend, round, side, op, ...(await steps[step]()) });
        }
      } finally {
        await cleanUp(backend, [s, n], groups);
      }
    }
  }
  return { samples, summary: summarise(samples, backends) };
}

export function summarise(samples, backends) {
  const rows = [];
  for (const backend of backends) {
    for (const op of ['publish', 'consume']) {
      const of = (side) => samples.filter((x) => x.backend === backend && x.op === op && x.side === side);
      const sl = of('sluice');
      const nt = of('native');
      if (sl.length === 0 || nt.length === 0) continue;
      const ratios = sl
        .map((x) => {
          const pair = nt.find((y) => y.round === x.round);
          return pair ? x.rate / pair.rate : undefined;
        })
        .filter((r) => r !== undefined);
      rows.push({
        backend,
        op,
        rounds: sl.length,
        sluiceRate: Math.round(median(sl.map((x) => x.rate))),
        sluiceMiBs: +median(sl.map((x) => x.mibs)).toFixed(2),
        sluiceCpuSeconds: +median(sl.map((x) => x.cpuSeconds)).toFixed(2),
        sluiceCpuMicrosPerRecord: +median(sl.map((x) => (x.cpuSeconds * 1e6) / x.records)).toFixed(2),
        wireBytesPerRecord: sl.find((x) => x.wireBytesPerRecord)?.wireBytesPerRecord,
        nativeRate: Math.round(median(nt.map((x) => x.rate))),
        nativeMiBs: +median(nt.map((x) => x.mibs)).toFixed(2),
        nativeCpuSeconds: +median(nt.map((x) => x.cpuSeconds)).toFixed(2),
        nativeCpuMicrosPerRecord: +median(nt.map((x) => (x.cpuSeconds * 1e6) / x.records)).toFixed(2),
        ratio: +median(ratios).toFixed(2),
        ratios: ratios.map((r) => +r.toFixed(2)),
        sluiceSettings: sl[0].settings,
        nativeSettings: nt[0].settings,
      });
    }
  }
  return rows;
}

/** Markdown table of `summarise` rows, with the settings of each row listed below it. */
/** `versions`: backend → the native tool's name and version, as prepareNativeTools reports it. */
export function brokerOnlyMarkdown(summary, { records, size, rounds, versions }) {
  let md = `| backend | lines/message | direction | Sluice records/s | Sluice MiB/s | native records/s | native MiB/s | Sluice / native | per-round ratios | Sluice CPU s | native CPU s | Sluice CPU µs/record | native CPU µs/record | Sluice wire bytes/record |\n|---|---:|---|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|\n`;
  for (const r of summary) {
    md += `| ${r.backend} | ${r.linesPerMessage ?? 1} | ${r.op} | ${r.sluiceRate.toLocaleString('en')} | ${r.sluiceMiBs} | ${r.nativeRate.toLocaleString('en')} | ${r.nativeMiBs} | **${r.ratio}** | ${r.ratios.join(', ')} | ${r.sluiceCpuSeconds} | ${r.nativeCpuSeconds} | ${r.sluiceCpuMicrosPerRecord ?? ''} | ${r.nativeCpuMicrosPerRecord ?? ''} | ${r.wireBytesPerRecord ?? ''} |\n`;
  }
  md += `\n${records.toLocaleString('en')} records of ${size}-byte lines per measurement, ${rounds} round(s); medians shown; the ratio is the median of per-round ratios (Sluice and native measured back to back, order flipped each round). MiB/s count the ${size}-byte lines only; Sluice's own envelope (ids, source, offset, host fields) is extra on the wire (last column). Native CPU includes JVM start-up for the Java tools; Sluice CPU is the measured section only.\n\nSettings per row:\n\n`;
  for (const r of summary) {
    md += `- **${r.backend}${(r.linesPerMessage ?? 1) > 1 ? ` ×${r.linesPerMessage}` : ''} ${r.op}**: Sluice: ${r.sluiceSettings}. Native (${versions[r.backend] ?? 'native tool'}): ${r.nativeSettings}.\n`;
  }
  return md;
}
