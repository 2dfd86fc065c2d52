// The brokers' own load tools, run with settings matched to what Sluice's adapters do, so
// that "Sluice / native" says how much of the broker's speed the adapter leaves on the table:
//   Kafka     org.apache.kafka.tools.ProducerPerformance / ConsumerPerformance (kafka-tools jar)
//   Redis     redis-benchmark (from the redis-tools package), custom RPUSH / LPOP commands
//   RabbitMQ  PerfTest (com.rabbitmq:perf-test)
// The Java tools are resolved from Maven Central into ~/.m2 (maven.mjs), never into git.
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { amqpUrl, kafkaBrokers, redisUrl } from './endpoints.mjs';
import { pickVersion, resolveClasspath } from './maven.mjs';
import { watchProcess } from './proc.mjs';

export const MiB = 1024 * 1024;

/**
 * What Sluice's adapters do by default, and the native setting matched to it. The tables
 * print these, so a reader can judge the comparison without reading code.
 */
export const SETTINGS = {
  kafka: {
    sluicePublish:
      'kafkajs idempotent producer, acks=all, linger 5 ms, ≤512 KiB per produce request, no compression, 1 request in flight (kafkajs allows 1 with idempotence); one source → 1 partition',
    nativePublish:
      'ProducerPerformance: acks=all, enable.idempotence=true, linger.ms=5, batch.size=524288, compression.type=none, max.in.flight.requests.per.connection=5 (Java default), null keys, 1-partition topic',
    nativeProducerProps: {
      acks: 'all',
      'enable.idempotence': 'true',
      'linger.ms': '5',
      'batch.size': '524288',
      'compression.type': 'none',
    },
    sluiceConsume:
      'kafkajs consumer group, fetch ≤1 MiB/partition and ≤8 MiB/request, batches of 500, 4 in flight, offsets committed after ack',
    nativeConsume:
      'ConsumerPerformance: max.partition.fetch.bytes=1048576, fetch.max.bytes=8388608, auto-commit (Java default); fetch rate (group join excluded)',
    nativeConsumerProps: {
      'max.partition.fetch.bytes': '1048576',
      'fetch.max.bytes': '8388608',
    },
  },
  redis: {
    sluicePublish:
      'RPUSH of up to 1000 elements per command, all of one publish sent before the replies; Sluice JSON envelope per element',
    nativePublish:
      'redis-benchmark -c 1 -P 1000: RPUSH of 1 element per command, 1000 commands per round trip',
    publishPipeline: 1000,
    sluiceConsume:
      'reliable queue: Lua LMOVE of 500 into a processing list, DEL on ack, 4 batches in flight, blocking BLMOVE when empty',
    nativeConsume: 'redis-benchmark -c 1 -P 500: LPOP of 1 element per command, 500 commands per round trip',
    consumePipeline: 500,
  },
  'redis-stream': {
    sluicePublish:
      'XADD of 1 entry per command, one pipeline per publish; Sluice JSON envelope in field `data`',
    nativePublish: 'redis-benchmark -c 1 -P 1000: XADD of 1 entry per command, 1000 commands per round trip',
    publishPipeline: 1000,
    sluiceConsume:
      'consumer group: XREADGROUP COUNT 500, XACK per batch after the handler, 4 batches in flight, XAUTOCLAIM and XTRIM passes',
    nativeConsume:
      'redis-benchmark -c 1 -P 1: XREADGROUP COUNT 500 per command (no XACK); group created beforehand',
    consumeCount: 500,
  },
  rabbitmq: {
    sluicePublish:
      'durable classic queue behind a durable direct exchange, persistent messages, publisher confirms awaited per publish of 1000 messages, 1 line per message',
    nativePublish:
      'PerfTest: 1 producer, --flag persistent, --confirm 1000 (≤1000 unconfirmed), durable classic queue',
    confirmWindow: 1000,
    sluiceConsume: 'manual ack per message (not multiple), prefetch 2000 (500 × 4 batches)',
    nativeConsume: 'PerfTest: 1 consumer, manual ack per message (--multi-ack-every 0), --qos 2000',
    prefetch: 2000,
  },
};

// ---------- output parsers (exported for the unit tests in native.test.mjs) ----------

/** The final summary line of ProducerPerformance (the only one with percentiles). */
export function parseProducerPerformance(text) {
  const line = text.split('\n').find((l) => /records sent,.*50th/.test(l));
  const m = line && /^(\d+) records sent, ([\d.]+) records\/sec/.exec(line.trim());
  if (!m) throw new Error(`no ProducerPerformance summary in:\n${text.slice(-1500)}`);
  return { records: Number(m[1]), rate: Number(m[2]) };
}

/** ConsumerPerformance's CSV: the fetch rate leaves out the time spent joining the group. */
export function parseConsumerPerformance(text) {
  const lines = text.split('\n').map((l) => l.trim());
  const h = lines.findIndex((l) => l.startsWith('start.time,'));
  if (h < 0 || !lines[h + 1]) throw new Error(`no ConsumerPerformance result in:\n${text.slice(-1500)}`);
  const names = lines[h].split(',').map((s) => s.trim());
  const values = lines[h + 1].split(',').map((s) => s.trim());
  const get = (name) => Number(values[names.indexOf(name)]);
  return {
    records: get('data.consumed.in.nMsg'),
    rate: get('fetch.nMsg.sec'),
    totalRate: get('nMsg.sec'),
    rebalanceMs: get('rebalance.time.ms'),
  };
}

/** `redis-benchmark --csv`: one header line, one line per test; requests per second. */
export function parseRedisBenchmarkCsv(text) {
  const rows = text
    .split('\n')
    .filter((l) => l.startsWith('"') && !l.startsWith('"test"'))
    .map((l) => l.split('","').map((s) => s.replace(/^"|"$/g, '')));
  const row = rows.at(-1);
  if (!row || !Number.isFinite(Number(row[1])))
    throw new Error(`no redis-benchmark CSV row in:\n${text.slice(-1500)}`);
  return { rate: Number(row[1]) };
}

/** PerfTest's closing summary: "sending rate avg: N msg/s" and "receiving rate avg: N msg/s". */
export function parsePerfTest(text) {
  const sent = /sending rate avg: ([\d.]+) msg\/s/.exec(text);
  const received = /receiving rate avg: ([\d.]+) msg\/s/.exec(text);
  if (!sent || !received) throw new Error(`no PerfTest summary in:\n${text.slice(-1500)}`);
  return {
    sendRate: Number(sent[1]),
    receiveRate: Number(received[1]),
    stopped: /test stopped \(([^)]*)\)/.exec(text)?.[1],
  };
}

// ---------- running the tools ----------

/** Runs a tool to completion, sampling its CPU and memory; rejects with its output on failure. */
function runTool(bin, args, { timeoutMs = 600_000, label = bin } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const watch = watchProcess(child.pid, { intervalMs: 100 });
    const t0 = performance.now();
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      watch.stop();
      reject(new Error(`${label}: ${error.message}`));
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      const stats = watch.stop();
      const wallSeconds = (performance.now() - t0) / 1_000;
      if (code !== 0)
        reject(
          new Error(
            `${label} exited ${code ?? signal}${signal === 'SIGKILL' ? ' (timed out)' : ''}:\n${out.slice(-2000)}`,
          ),
        );
      else resolve({ out, cpuSeconds: stats.cpu, peakRssBytes: stats.peakRss, wallSeconds });
    });
  });
}

function javaBin() {
  return process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
}

function toolVersion(bin, args, pattern) {
  const r = spawnSync(bin, args, { encoding: 'utf8' });
  return pattern.exec(`${r.stdout}${r.stderr}`)?.[1];
}

/**
 * Finds or fetches the tools of the given backends; throws with what to install when one is
 * missing. Returns what each runner needs, and the version of each tool for the results.
 */
export async function prepareNativeTools(backends, { kafkaVersion }) {
  const tools = {};
  if (backends.includes('kafka')) {
    const { version, fallback } = await pickVersion('org.apache.kafka', 'kafka-tools', kafkaVersion);
    tools.kafka = {
      classpath: resolveClasspath('org.apache.kafka', 'kafka-tools', version),
      version: `kafka-tools ${version}${fallback ? ` (Maven Central has no kafka-tools ${kafkaVersion})` : ''}`,
    };
  }
  if (backends.includes('redis') || backends.includes('redis-stream')) {
    const version = toolVersion('redis-benchmark', ['--version'], /redis-benchmark ([\d.]+)/);
    if (!version)
      throw new Error('redis-benchmark not found: install it with apt-get install -y redis-tools');
    tools.redis = { version: `redis-benchmark ${version}` };
    tools['redis-stream'] = tools.redis;
  }
  if (backends.includes('rabbitmq')) {
    // PerfTest on Maven Central is a plain jar (the uber jar is a GitHub release asset), so it is
    // resolved with its dependencies like kafka-tools. 2.22.1 was the latest release when written.
    const version = process.env.SLUICE_PERFTEST_VERSION ?? '2.22.1';
    tools.rabbitmq = {
      classpath: resolveClasspath('com.rabbitmq', 'perf-test', version),
      version: `PerfTest ${version}`,
    };
  }
  return tools;
}

function redisArgs() {
  const u = new URL(redisUrl);
  const args = ['-h', u.hostname, '-p', u.port || '6379'];
  if (u.username) args.push('--user', decodeURIComponent(u.username));
  if (u.password) args.push('-a', decodeURIComponent(u.password), '--no-auth-warning');
  if (u.protocol === 'rediss:') args.push('--tls');
  return args;
}

/** A `size`-byte printable payload, the same for every record. */
const payload = (size) => 'x'.repeat(size);

function result(tool, parsed, rate, records, size, settings) {
  return {
    records,
    rate: Math.round(rate),
    mibs: +((rate * size) / MiB).toFixed(2),
    cpuSeconds: +tool.cpuSeconds.toFixed(2),
    peakRssMiB: Math.round(tool.peakRssBytes / MiB),
    wallSeconds: +tool.wallSeconds.toFixed(2),
    settings,
    parsed,
  };
}

/** Publishes `records` records of `size` bytes to `stream` (a topic, list or queue) with the native tool. */
export async function nativePublish(tools, backend, { stream, records, size }) {
  if (backend === 'kafka') {
    const props = { 'bootstrap.servers': kafkaBrokers, ...SETTINGS.kafka.nativeProducerProps };
    const run = await runTool(
      javaBin(),
      [
        '-Xmx512m',
        '-cp',
        tools.kafka.classpath,
        'org.apache.kafka.tools.ProducerPerformance',
        '--topic',
        stream,
        '--num-records',
        String(records),
        '--record-size',
        String(size),
        '--throughput',
        '-1',
        '--command-property',
        ...Object.entries(props).map(([k, v]) => `${k}=${v}`),
      ],
      { label: 'ProducerPerformance' },
    );
    const parsed = parseProducerPerformance(run.out);
    return result(run, parsed, parsed.rate, parsed.records, size, SETTINGS.kafka.nativePublish);
  }
  if (backend === 'redis-stream') {
    const run = await runTool(
      'redis-benchmark',
      [
        ...redisArgs(),
        '-c',
        '1',
        '-P',
        String(SETTINGS['redis-stream'].publishPipeline),
        '-n',
        String(records),
        '--csv',
        'XADD',
        stream,
        '*',
        'data',
        payload(size),
      ],
      { label: 'redis-benchmark' },
    );
    const parsed = parseRedisBenchmarkCsv(run.out);
    return result(run, parsed, parsed.rate, records, size, SETTINGS['redis-stream'].nativePublish);
  }
  if (backend === 'redis') {
    const pipeline = SETTINGS.redis.publishPipeline;
    const run = await runTool(
      'redis-benchmark',
      [
        ...redisArgs(),
        '-c',
        '1',
        '-P',
        String(pipeline),
        '-n',
        String(records),
        '--csv',
        'RPUSH',
        stream,
        payload(size),
      ],
      { label: 'redis-benchmark' },
    );
    const parsed = parseRedisBenchmarkCsv(run.out);
    return result(run, parsed, parsed.rate, records, size, SETTINGS.redis.nativePublish);
  }
  const run = await runTool(
    javaBin(),
    [
      '-Xmx512m',
      '-cp',
      tools.rabbitmq.classpath,
      'com.rabbitmq.perf.PerfTest',
      '--uri',
      amqpUrl,
      '--producers',
      '1',
      '--consumers',
      '0',
      '--pmessages',
      String(records),
      '--size',
      String(size),
      '--flag',
      'persistent',
      '--confirm',
      String(SETTINGS.rabbitmq.confirmWindow),
      '--queue',
      stream,
      '--auto-delete',
      'false',
    ],
    { label: 'PerfTest' },
  );
  const parsed = parsePerfTest(run.out);
  return result(run, parsed, parsed.sendRate, records, size, SETTINGS.rabbitmq.nativePublish);
}

/** Drains `records` records that nativePublish wrote to `stream`. */
export async function nativeConsume(tools, backend, { stream, records, size, group }) {
  if (backend === 'kafka') {
    const run = await runTool(
      javaBin(),
      [
        '-Xmx512m',
        '-cp',
        tools.kafka.classpath,
        'org.apache.kafka.tools.ConsumerPerformance',
        '--bootstrap-server',
        kafkaBrokers,
        '--topic',
        stream,
        '--num-records',
        String(records),
        '--group',
        group,
        '--timeout',
        '60000',
        '--command-property',
        ...Object.entries(SETTINGS.kafka.nativeConsumerProps).map(([k, v]) => `${k}=${v}`),
      ],
      { label: 'ConsumerPerformance' },
    );
    const parsed = parseConsumerPerformance(run.out);
    if (parsed.records < records)
      throw new Error(`ConsumerPerformance read ${parsed.records}/${records} records from ${stream}`);
    return result(run, parsed, parsed.rate, parsed.records, size, SETTINGS.kafka.nativeConsume);
  }
  if (backend === 'redis-stream') {
    const count = SETTINGS['redis-stream'].consumeCount;
    const cli = spawnSync('redis-cli', [...redisArgs(), 'XGROUP', 'CREATE', stream, group, '0'], {
      encoding: 'utf8',
    });
    if (cli.status !== 0 || /ERR/.test(cli.stdout))
      throw new Error(`XGROUP CREATE failed: ${cli.stdout}${cli.stderr}`);
    const run = await runTool(
      'redis-benchmark',
      [
        ...redisArgs(),
        '-c',
        '1',
        '-P',
        '1',
        '-n',
        String(Math.ceil(records / count)),
        '--csv',
        'XREADGROUP',
        'GROUP',
        group,
        'bench',
        'COUNT',
        String(count),
        'STREAMS',
        stream,
        '>',
      ],
      { label: 'redis-benchmark' },
    );
    const parsed = parseRedisBenchmarkCsv(run.out);
    // Each request read `count` entries.
    return result(run, parsed, parsed.rate * count, records, size, SETTINGS['redis-stream'].nativeConsume);
  }
  if (backend === 'redis') {
    const run = await runTool(
      'redis-benchmark',
      [
        ...redisArgs(),
        '-c',
        '1',
        '-P',
        String(SETTINGS.redis.consumePipeline),
        '-n',
        String(records),
        '--csv',
        'LPOP',
        stream,
      ],
      { label: 'redis-benchmark' },
    );
    const parsed = parseRedisBenchmarkCsv(run.out);
    return result(run, parsed, parsed.rate, records, size, SETTINGS.redis.nativeConsume);
  }
  const run = await runTool(
    javaBin(),
    [
      '-Xmx512m',
      '-cp',
      tools.rabbitmq.classpath,
      'com.rabbitmq.perf.PerfTest',
      '--uri',
      amqpUrl,
      '--producers',
      '0',
      '--consumers',
      '1',
      '--cmessages',
      String(records),
      '--qos',
      String(SETTINGS.rabbitmq.prefetch),
      '--multi-ack-every',
      '0',
      '--queue',
      stream,
      '--predeclared',
      '--auto-delete',
      'false',
    ],
    { label: 'PerfTest' },
  );
  const parsed = parsePerfTest(run.out);
  return result(run, parsed, parsed.receiveRate, records, size, SETTINGS.rabbitmq.nativeConsume);
}
