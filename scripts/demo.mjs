// The main job: on a fresh clone, install, build, start the local stack if it is not up,
// ship the bundled sample log through Kafka into Elasticsearch, and show what was indexed.
// Exits 1 unless every line of the sample is in the index, so CI can run it as a check
// (scripts/cold-start.mjs runs it against a second stack on other ports).
//
// Where it connects follows the stack's own variables: ELASTICSEARCH_URL and KAFKA_BROKERS
// (services used as they are), else SLUICE_ELASTICSEARCH_PORT and SLUICE_KAFKA_PORT (the
// ports `sluice stack up` starts them on); SLUICE_DEMO_METRICS moves the metrics listener.
import { readFileSync } from 'node:fs';
import { build, ensureInstalled, root, sluice } from './pnpm.mjs';

const env = process.env;
const es = env.ELASTICSEARCH_URL || `http://127.0.0.1:${env.SLUICE_ELASTICSEARCH_PORT || 9200}`;
const kafka = env.KAFKA_BROKERS?.split(',')[0] || `127.0.0.1:${env.SLUICE_KAFKA_PORT || 9092}`;
const sample = `${root}deploy/samples/access.log`;
const topic = 'sluice-demo';
const index = 'sluice-demo';
const metrics = env.SLUICE_DEMO_METRICS || '127.0.0.1:9464';

function step(text) {
  process.stdout.write(`\n==> ${text}\n`);
}

async function must(what, code) {
  if ((await code) !== 0) {
    process.stderr.write(`demo: ${what} failed; see the message above.\n`);
    process.exit(1);
  }
}

async function search(body) {
  const res = await fetch(`${es}/${index}/_search`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`search failed: ${res.status} ${await res.text()}`);
  return res.json();
}

step('Installing and building');
await ensureInstalled();
await build();

step("Starting the local stack (Kafka, Elasticsearch; Redis and RabbitMQ are the machine's)");
await must('stack up', sluice(['stack', 'up']));

const lines = readFileSync(sample, 'utf8').split('\n').filter(Boolean).length;
step(`Shipping ${lines} lines of ${sample.slice(root.length)} to kafka://${kafka}/${topic}`);
await must('ship', sluice(['ship', '--file', sample, '--to', `kafka://${kafka}/${topic}`]));

step(
  `Consuming with the apache.access module into ${es}/${index} (metrics on http://${metrics}/metrics while it runs)`,
);
await must(
  'consume',
  sluice([
    'consume',
    '--from',
    `kafka://${kafka}/${topic}`,
    '--es',
    es,
    '--index',
    index,
    '--module',
    'apache.access',
    '--group',
    'sluice-demo',
    '--exit-when-idle',
    '5',
    '--metrics',
    metrics,
  ]),
);

await fetch(`${es}/${index}/_refresh`, { method: 'POST' });
const result = await search({
  size: 0,
  track_total_hits: true,
  aggs: {
    status: { terms: { field: 'http.response.status_code', size: 50, order: { _key: 'asc' } } },
    failures: { filter: { term: { tags: '_grokparsefailure' } } },
  },
});

step(`What Elasticsearch holds in index "${index}"`);
console.log(
  `documents: ${result.hits.total.value} (lines in the sample: ${lines}; a re-run adds none: ids are deterministic)`,
);
console.log('documents per HTTP status code:');
for (const bucket of result.aggregations.status.buckets) {
  console.log(`  ${String(bucket.key).padEnd(5)} ${String(bucket.doc_count).padStart(6)}`);
}
console.log(`parse failures (kept, tagged _grokparsefailure): ${result.aggregations.failures.doc_count}`);
if (result.hits.total.value !== lines) {
  process.stderr.write(`demo: ${lines} lines were shipped but the index holds ${result.hits.total.value}\n`);
  process.exit(1);
}
console.log(`
Where to look next:
  search:   curl '${es}/${index}/_search?q=http.response.status_code:503&size=3&pretty'
  metrics:  pnpm sluice consume ... --metrics ${metrics}  then  curl http://${metrics}/metrics
  Kibana:   with Docker, deploy/compose.yaml runs the full stack with Kibana on http://127.0.0.1:5601
  stop:     pnpm stack down`);
