import { execFile, execFileSync } from 'node:child_process';
import { pbkdf2Sync, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { createProducer, parseBrokerUrl } from '@sluice/brokers';
import {
  chownTree,
  elasticsearchHome,
  findJava,
  groupAlive,
  runAs,
  spawnDetached,
  stackPaths,
  stopGroup,
} from '@sluice/cli';
import { type OutboundRecord, recordId } from '@sluice/core';
import { createClient } from '@sluice/indexer';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brokerUrl, cliPath, runCli } from '../support/cli.js';
import { testEnv, uniqueName } from '../support/env.js';
import { freePort } from '../support/net.js';
import { expectCleanOutput } from '../support/secrets.js';
import { makeCertificates } from '../support/tls.js';

/**
 * Elasticsearch auth against a real secured node: a PRIVATE node of the stack's cached
 * integ-test-zip distribution (which carries x-pack-security), started here with security on,
 * HTTPS with a throwaway CA made by openssl at test time, and file-realm users and roles.
 * The shared node on :9200 runs without security and is not touched. Every case runs the
 * built CLI (`sluice consume`) against a Redis list and checks what stayed in the list.
 *
 * Users and roles are files (config/users, users_roles, roles.yml), not the security API:
 * the native realm, API-defined roles and API keys all live in the `.security` index, whose
 * mapping needs the analysis-common module that this distribution lacks ("Unknown filter
 * type [pattern_capture]"). The API-key case therefore checks what this node can show (the
 * key reaches Elasticsearch as an API key, and a refused key stops the consumer clearly) and
 * indexes with a real key only where the node can create one.
 */
const _exec = promisify(execFile);
const LINES = 40;
const PATTERN = '%{GREEDYDATA:msg}';
// Random per run, so finding one in any output can only mean it leaked.
const PASSWORDS = {
  admin: `admin-${randomBytes(6).toString('hex')}`,
  writer: `writer-${randomBytes(6).toString('hex')}`,
  nocreate: `nocreate-${randomBytes(6).toString('hex')}`,
};
const WRONG_PASSWORD = `wrong-${randomBytes(6).toString('hex')}`;
const INDEX_PREFIX = 'sec-';

function has(command: string, args: string[]): boolean {
  try {
    execFileSync(command, args, { stdio: 'ignore' });
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ENOENT';
  }
}
const available = existsSync(cliPath) && has('openssl', ['version']);

/**
 * A file-realm password hash Elasticsearch accepts (`{PBKDF2}cost$salt$hash`, HMAC-SHA512,
 * 256-bit key): what `bin/elasticsearch-users` would write with PBKDF2 hashing, without
 * paying a JVM start for it.
 */
function pbkdf2Hash(password: string): string {
  const salt = randomBytes(32);
  const hash = pbkdf2Sync(password, salt, 10_000, 32, 'sha512');
  return `{PBKDF2}10000$${salt.toString('base64')}$${hash.toString('base64')}`;
}

// Not mkdtemp: a 0700 directory owned by root is closed to `nobody`, whom Elasticsearch runs as.
const dir = join(tmpdir(), `sluice-es-security-${process.pid}-${Date.now().toString(36)}`);
const configDir = join(dir, 'config');
const caFile = join(configDir, 'certs', 'ca.pem');
let esUrl = '';
let pgid: number | undefined;
let redis: Redis | undefined;
const lists: string[] = [];
/** The encoded API key made through the security API, or why this node cannot make one. */
let apiKey: { encoded: string } | { unsupported: string } = { unsupported: 'not tried' };

function killOnExit(): void {
  if (pgid !== undefined && groupAlive(pgid)) process.kill(-pgid, 'SIGKILL');
}

async function startSecuredElasticsearch(): Promise<void> {
  const paths = stackPaths();
  const [home, java, user] = await Promise.all([
    elasticsearchHome(paths, (line) => console.info(line)),
    findJava(),
    runAs(process.env),
  ]);
  const port = await freePort();
  esUrl = `https://127.0.0.1:${port}`;
  await mkdir(join(dir, 'data'), { recursive: true });
  await mkdir(join(dir, 'logs'), { recursive: true });
  await cp(join(home, 'config'), configDir, { recursive: true });
  await mkdir(join(configDir, 'certs'));
  await makeCertificates(join(configDir, 'certs'));
  await writeFile(
    join(configDir, 'elasticsearch.yml'),
    `cluster.name: sluice-security-test
discovery.type: single-node
network.host: 127.0.0.1
http.port: ${port}
path.data: ${join(dir, 'data')}
path.logs: ${join(dir, 'logs')}
cluster.routing.allocation.disk.threshold_enabled: false
xpack.security.enabled: true
xpack.security.http.ssl.enabled: true
xpack.security.http.ssl.certificate: certs/server.pem
xpack.security.http.ssl.key: certs/server.key
xpack.security.http.ssl.certificate_authorities: certs/ca.pem
`,
  );
  await writeFile(
    join(configDir, 'roles.yml'),
    `sluice_writer:
  indices:
    - names: ['${INDEX_PREFIX}*']
      privileges: ['create_doc', 'auto_configure']
# May write documents but not create the index they go to: the classic auto_create 403.
sluice_nocreate:
  indices:
    - names: ['${INDEX_PREFIX}*']
      privileges: ['create_doc']
`,
  );
  await writeFile(
    join(configDir, 'users'),
    Object.entries(PASSWORDS)
      .map(([name, password]) => `${name}:${pbkdf2Hash(password)}\n`)
      .join(''),
  );
  await writeFile(
    join(configDir, 'users_roles'),
    'superuser:admin\nsluice_writer:writer\nsluice_nocreate:nocreate\n',
  );
  const jvmOptions = join(configDir, 'jvm.options');
  await writeFile(
    jvmOptions,
    (await readFile(jvmOptions, 'utf8')).replace('filecount=32,filesize=64m', 'filecount=1,filesize=8m'),
  );
  if (user) await chownTree(dir, user.uid, user.gid);
  const { JAVA_HOME: _java, ...inherited } = process.env;
  pgid = await spawnDetached(join(home, 'bin', 'elasticsearch'), ['-q'], {
    cwd: join(dir, 'logs'),
    env: {
      ...inherited,
      ES_JAVA_HOME: java.home,
      ES_JAVA_OPTS: '-Xms512m -Xmx512m',
      ES_PATH_CONF: configDir,
      HOME: dir,
    },
    logFile: join(dir, 'logs', 'stdout.log'),
    ...(user ? { uid: user.uid, gid: user.gid } : {}),
  });
  // Should vitest end this process without afterAll, the node must not outlive it.
  process.once('exit', killOnExit);
  const client = adminClient();
  try {
    for (let waited = Date.now(); ; await sleep(1_000)) {
      if (!groupAlive(pgid)) {
        const log = await readFile(join(dir, 'logs', 'stdout.log'), 'utf8').catch(() => '');
        throw new Error(`the private Elasticsearch exited during start-up:\n${log.slice(-2_000)}`);
      }
      const health = await client.cluster
        .health({ wait_for_status: 'yellow', timeout: '1s' })
        .catch(() => undefined);
      if (health) break;
      if (Date.now() - waited > 180_000) throw new Error('the private Elasticsearch did not answer in 180 s');
    }
    apiKey = await createApiKey(client);
  } finally {
    await client.close();
  }
}

function adminClient() {
  return createClient({
    node: esUrl,
    auth: { username: 'admin', password: PASSWORDS.admin },
    tls: { caFile },
  });
}

async function createApiKey(client: ReturnType<typeof createClient>): Promise<typeof apiKey> {
  try {
    const key = await client.security.createApiKey({
      name: 'sluice-writer',
      role_descriptors: {
        writer: { indices: [{ names: [`${INDEX_PREFIX}*`], privileges: ['create_doc', 'auto_configure'] }] },
      },
    });
    return { encoded: key.encoded };
  } catch (error) {
    const reason =
      (error as { meta?: { body?: { error?: { reason?: string } } } }).meta?.body?.error?.reason ??
      String(error);
    return { unsupported: reason };
  }
}

beforeAll(async () => {
  if (!available) return;
  try {
    await startSecuredElasticsearch();
  } catch (error) {
    // The native stack has the distribution and Java: there, not starting is a failure.
    if (testEnv().source === 'native') throw error;
    console.warn(`secured Elasticsearch did not start, auth tests skipped: ${(error as Error).message}`);
    esUrl = '';
  }
  redis = new Redis(testEnv().redisUrl);
}, 240_000);

afterAll(async () => {
  if (redis) {
    for (const list of lists) {
      const keys = await redis.keys(`${list}*`);
      if (keys.length > 0) await redis.del(...keys);
    }
    redis.disconnect();
  }
  if (pgid !== undefined) await stopGroup(pgid, 30_000);
  process.removeListener('exit', killOnExit);
  await rm(dir, { recursive: true, force: true });
}, 60_000);

/** A fresh Redis list holding LINES records, and a fresh index name the roles cover. */
async function fill(name: string): Promise<{ url: string; list: string; index: string }> {
  const list = uniqueName(`security-${name}`);
  lists.push(list);
  const url = brokerUrl('redis', list);
  const producer = await createProducer(parseBrokerUrl(url));
  const records: OutboundRecord[] = Array.from({ length: LINES }, (_, i) => ({
    id: recordId(list, i),
    line: `secured line ${i}`,
    source: list,
    offset: i,
    shippedAt: Date.now(),
  }));
  await producer.publish(records);
  await producer.close();
  return { url, list, index: uniqueName(`${INDEX_PREFIX}${name}`) };
}

/** What the broker still holds for a list: the list itself and any batch still being processed. */
async function held(list: string): Promise<{ waiting: number; processing: number }> {
  const r = redis as Redis;
  const processing = await r.keys(`${list}:sluice:processing:*`);
  let inProcessing = 0;
  for (const key of processing) inProcessing += await r.llen(key);
  return { waiting: await r.llen(list), processing: inProcessing };
}

type Credentials =
  | { ELASTICSEARCH_USERNAME: string; ELASTICSEARCH_PASSWORD: string }
  | { ELASTICSEARCH_API_KEY: string };

/** `sluice consume` from the built CLI with these credentials in its environment and no others. */
function consume(
  target: { url: string; list: string; index: string },
  credentials: Credentials,
  extra: string[] = ['--es-ca', caFile],
): Promise<{ code: number; output: string }> {
  const args = [
    'consume',
    '--from',
    target.url,
    '--es',
    esUrl,
    '--index',
    target.index,
    '--pattern',
    PATTERN,
    '--group',
    target.list,
    '--threads',
    '1',
    '--exit-when-idle',
    '2',
    ...extra,
  ];
  return runCli(args, {
    unset: ['ELASTICSEARCH_USERNAME', 'ELASTICSEARCH_PASSWORD', 'ELASTICSEARCH_API_KEY'],
    env: credentials,
    timeoutMs: 50_000,
  }).then(({ code, stdout, stderr }) => ({ code, output: stdout + stderr }));
}

/** Whatever the CLI prints: never a stack trace (errors are one line and a hint), never a secret. */
const SECRETS = [...Object.values(PASSWORDS), WRONG_PASSWORD];

async function count(index: string): Promise<number> {
  const client = adminClient();
  try {
    await client.indices.refresh({ index });
    return (await client.count({ index })).count;
  } finally {
    await client.close();
  }
}

describe.skipIf(!available)('Elasticsearch auth (private node, security and HTTPS on)', () => {
  it('basic auth over https: refused without the CA (exit 2, nothing taken), indexed with --es-ca', async (ctx) => {
    if (!esUrl) ctx.skip();
    const target = await fill('basic');
    const writer = { ELASTICSEARCH_USERNAME: 'writer', ELASTICSEARCH_PASSWORD: PASSWORDS.writer };

    const untrusted = await consume(target, writer, []);
    expect(untrusted.code, untrusted.output).toBe(2);
    expect(untrusted.output).toContain(
      `sluice: Elasticsearch at ${esUrl} presented a certificate that is not trusted: unable to verify the first certificate`,
    );
    expect(untrusted.output).toContain('hint: give the PEM file of the CA that signed it with --es-ca FILE');
    expectCleanOutput(untrusted.output, SECRETS);
    expect(await held(target.list)).toEqual({ waiting: LINES, processing: 0 });

    const trusted = await consume(target, writer);
    expect(trusted.code, trusted.output).toBe(0);
    expect(trusted.output).toContain(`"indexed":${LINES}`);
    expectCleanOutput(trusted.output, SECRETS);
    expect(await count(target.index)).toBe(LINES);
    expect(await held(target.list)).toEqual({ waiting: 0, processing: 0 });
  });

  it('a wrong password: 401 naming the user, non-zero exit, the records stay in the broker', async (ctx) => {
    if (!esUrl) ctx.skip();
    const target = await fill('wrong-password');
    const result = await consume(target, {
      ELASTICSEARCH_USERNAME: 'writer',
      ELASTICSEARCH_PASSWORD: WRONG_PASSWORD,
    });
    expect(result.code, result.output).toBe(1);
    expect(result.output).toContain(
      'sluice: Elasticsearch rejected the password of user [writer] (401): unable to authenticate user [writer] for REST request [/]',
    );
    expect(result.output).toContain('hint: check ELASTICSEARCH_USERNAME and ELASTICSEARCH_PASSWORD');
    expectCleanOutput(result.output, SECRETS);
    expect(await held(target.list)).toEqual({ waiting: LINES, processing: 0 });
  });

  it('a user who may not create the index: stops naming the index and the grant, acknowledges nothing; pre-creating the index as the hint says lets it through', async (ctx) => {
    if (!esUrl) ctx.skip();
    const target = await fill('nocreate');
    const nocreate = { ELASTICSEARCH_USERNAME: 'nocreate', ELASTICSEARCH_PASSWORD: PASSWORDS.nocreate };

    const denied = await consume(target, nocreate);
    expect(denied.code, denied.output).toBe(1);
    expect(denied.output).toContain(
      `sluice: Elasticsearch denied the privilege for indices:admin/auto_create on index [${target.index}] to user [nocreate] (403)`,
    );
    expect(denied.output).toContain(
      `hint: grant the role of [nocreate] the index privilege "auto_configure" (or "create_index") on the index pattern covering [${target.index}], or pre-create the index as an admin: PUT /${target.index}`,
    );
    expectCleanOutput(denied.output, SECRETS);
    // Handed back, not acknowledged: every record waits in the list again, none is held.
    expect(await held(target.list)).toEqual({ waiting: LINES, processing: 0 });

    const admin = adminClient();
    try {
      await admin.indices.create({ index: target.index });
    } finally {
      await admin.close();
    }
    const allowed = await consume(target, nocreate);
    expect(allowed.code, allowed.output).toBe(0);
    expect(await count(target.index)).toBe(LINES);
    expect(await held(target.list)).toEqual({ waiting: 0, processing: 0 });
  });

  it('an API key reaches Elasticsearch as one; a refused key is a 401 naming it, without its secret', async (ctx) => {
    if (!esUrl) ctx.skip();
    const target = await fill('bad-api-key');
    const secret = randomBytes(9).toString('hex');
    const encoded = Buffer.from(`sluice-test-key:${secret}`).toString('base64');
    const result = await consume(target, { ELASTICSEARCH_API_KEY: encoded });
    expect(result.code, result.output).toBe(1);
    expect(result.output).toContain('sluice: Elasticsearch rejected the API key (401):');
    // Elasticsearch decoded our header as an API key with the id we gave it.
    expect(result.output).toContain('API key: apikey authentication for id sluice-test-key');
    expect(result.output).toContain('hint: check ELASTICSEARCH_API_KEY');
    expect(result.output).not.toContain(secret);
    expect(result.output).not.toContain(encoded);
    expectCleanOutput(result.output, SECRETS);
    expect(await held(target.list)).toEqual({ waiting: LINES, processing: 0 });
  });

  it('an API key created through the security API indexes the lines', async (ctx) => {
    if (!esUrl) ctx.skip();
    if ('unsupported' in apiKey) {
      console.warn(`this Elasticsearch cannot create API keys (${apiKey.unsupported}): case skipped`);
      ctx.skip();
      return;
    }
    const target = await fill('api-key');
    const result = await consume(target, { ELASTICSEARCH_API_KEY: apiKey.encoded });
    expect(result.code, result.output).toBe(0);
    expect(result.output).not.toContain(apiKey.encoded);
    expect(await count(target.index)).toBe(LINES);
    expect(await held(target.list)).toEqual({ waiting: 0, processing: 0 });
  });
});
