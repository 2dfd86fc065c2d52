// Unit tests for the parsers of the native tools' output, on output captured from the real
// tools (kafka-tools 4.3.1, redis-benchmark 7.0.15, PerfTest 2.22.1). Run with:
//   node --test benchmarks/lib/
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { brokerOnlyMarkdown, median, summarise } from './broker-only.mjs';
import {
  parseConsumerPerformance,
  parsePerfTest,
  parseProducerPerformance,
  parseRedisBenchmarkCsv,
} from './native.mjs';

test('ProducerPerformance: the final summary, not the periodic window lines', () => {
  const out = `Option --producer-props has been deprecated and will be removed in a future version. Use --command-property instead.
SLF4J: Defaulting to no-operation (NOP) logger implementation
36914 records sent, 7382.8 records/sec (1.41 MB/sec), 1853.4 ms avg latency, 2918.0 ms max latency.
50000 records sent, 18335.166850 records/sec (3.50 MB/sec), 111.97 ms avg latency, 1485.00 ms max latency, 129 ms 50th, 211 ms 95th, 254 ms 99th, 316 ms 99.9th.
`;
  assert.deepEqual(parseProducerPerformance(out), { records: 50000, rate: 18335.16685 });
});

test('ProducerPerformance: an error run says what the tool printed', () => {
  assert.throws(
    () => parseProducerPerformance('Exception in thread "main" org.apache.kafka...'),
    /no ProducerPerformance summary in:\nException/,
  );
});

test('ConsumerPerformance: the fetch rate, which leaves out joining the group', () => {
  const out = `Warning: --messages is deprecated. Use --num-records instead.
start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec
2026-11-23 11:45:46:096, 2026-11-23 11:45:49:062, 9.5367, 3.2154, 50000, 16857.7208, 1877, 1089, 8.7573, 45913.6823
`;
  assert.deepEqual(parseConsumerPerformance(out), {
    records: 50000,
    rate: 45913.6823,
    totalRate: 16857.7208,
    rebalanceMs: 1877,
  });
});

test('redis-benchmark --csv: requests per second of the custom command', () => {
  const out = `"test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"
"LPOP bench-native-probe","484261.53","1.031","0.472","0.943","1.775","2.023","2.743"
`;
  assert.deepEqual(parseRedisBenchmarkCsv(out), { rate: 484261.53 });
  assert.throws(
    () => parseRedisBenchmarkCsv('Could not connect to Redis at 127.0.0.1:6379: Connection refused'),
    /no redis-benchmark CSV row/,
  );
});

test('PerfTest: sending and receiving averages and why it stopped', () => {
  const out = `id: test-114526-068, time 3.002 s, sent: 5915 msg/s, confirmed: 5915 msg/s, nacked: 0 msg/s
test stopped (Producer reached message limit)
id: test-114526-068, sending rate avg: 5986 msg/s
id: test-114526-068, receiving rate avg: 0 msg/s
`;
  assert.deepEqual(parsePerfTest(out), {
    sendRate: 5986,
    receiveRate: 0,
    stopped: 'Producer reached message limit',
  });
});

test('summarise pairs Sluice and native by round and takes the median of the ratios', () => {
  const s = (side, op, round, rate) => ({
    backend: 'redis',
    side,
    op,
    round,
    rate,
    mibs: rate / 5000,
    cpuSeconds: 1,
    settings: side,
  });
  const samples = [
    s('sluice', 'publish', 1, 100),
    s('native', 'publish', 1, 200),
    s('sluice', 'publish', 2, 300),
    s('native', 'publish', 2, 300),
    s('sluice', 'publish', 3, 90),
    s('native', 'publish', 3, 100),
  ];
  const [row] = summarise(samples, ['redis']);
  assert.equal(row.ratio, 0.9);
  assert.deepEqual(row.ratios, [0.5, 1, 0.9]);
  assert.equal(row.sluiceRate, 100);
  assert.equal(row.nativeRate, 200);
  assert.equal(summarise(samples, ['kafka']).length, 0);
  const md = brokerOnlyMarkdown([row], {
    records: 10,
    size: 200,
    rounds: 3,
    versions: { redis: 'redis-benchmark 7' },
  });
  assert.match(md, /\| redis \| 1 \| publish \| 100 \| .* \| \*\*0\.9\*\* \| 0\.5, 1, 0\.9 \|/);
  assert.match(md, /Native \(redis-benchmark 7\)/);
});

test('median of odd and even counts', () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
});
