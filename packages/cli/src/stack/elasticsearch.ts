import { chown, cp, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from '@sluice/core';
import { DEFAULT_ES_USER, ELASTICSEARCH_HEAP, ELASTICSEARCH_VERSION, type StackPaths } from './config.js';
import { findJava } from './java.js';
import { run, STACK_ENV, spawnDetached, stackMarker } from './process.js';

const ARTIFACT = `org.elasticsearch.distribution.integ-test-zip:elasticsearch:${ELASTICSEARCH_VERSION}:zip`;

export interface ElasticsearchLayout {
  readonly dir: string;
  readonly configDir: string;
  readonly dataDir: string;
  readonly logsDir: string;
  readonly pidFile: string;
  /** The node's main log (named after cluster.name). */
  readonly logFile: string;
}

export function elasticsearchLayout(paths: StackPaths): ElasticsearchLayout {
  const dir = join(paths.run, 'elasticsearch');
  const logsDir = join(dir, 'logs');
  return {
    dir,
    configDir: join(dir, 'config'),
    dataDir: join(dir, 'data'),
    logsDir,
    pidFile: join(dir, 'elasticsearch.pid'),
    logFile: join(logsDir, 'sluice-dev.log'),
  };
}

const exists = (file: string) =>
  stat(file).then(
    () => true,
    () => false,
  );

/**
 * The integ-test-zip distribution, unpacked once into the cache. The zip itself is Maven's
 * to keep (~/.m2); we only fetch it through mvn when it is not there yet.
 */
export async function elasticsearchHome(paths: StackPaths, note: (line: string) => void): Promise<string> {
  const base = join(paths.cache, 'elasticsearch');
  const home = join(base, `elasticsearch-${ELASTICSEARCH_VERSION}`);
  const complete = join(home, '.sluice-unpacked');
  if (await exists(complete)) return home;
  const zip = join(
    paths.m2,
    'org/elasticsearch/distribution/integ-test-zip/elasticsearch',
    ELASTICSEARCH_VERSION,
    `elasticsearch-${ELASTICSEARCH_VERSION}.zip`,
  );
  if (!(await exists(zip))) {
    note(`elasticsearch: downloading ${ARTIFACT} from Maven Central (first start only)`);
    // dependency:get needs no project; the pinned local repo puts the zip at `zip` above.
    await run(
      'mvn',
      [
        '-q',
        '-B',
        `-Dmaven.repo.local=${paths.m2}`,
        'dependency:get',
        `-Dartifact=${ARTIFACT}`,
        '-Dtransitive=false',
      ],
      {
        cwd: paths.cache,
        hint: 'install Maven: apt-get install -y maven (it fetches the Elasticsearch zip from Maven Central)',
      },
    );
  }
  note(`elasticsearch: unpacking ${ELASTICSEARCH_VERSION} into ${base}`);
  // Unpack beside the target and rename, so an interrupted unpack never looks complete.
  const staging = join(base, `.unpack-${process.pid}`);
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  await run('unzip', ['-q', zip, '-d', staging], { hint: 'install unzip: apt-get install -y unzip' });
  await rm(home, { recursive: true, force: true });
  await rename(join(staging, `elasticsearch-${ELASTICSEARCH_VERSION}`), home);
  await rm(staging, { recursive: true, force: true });
  await writeFile(complete, `${ELASTICSEARCH_VERSION}\n`);
  return home;
}

export interface RunAs {
  readonly uid: number;
  readonly gid: number;
  readonly name: string;
}

/**
 * Elasticsearch refuses to start as root ("can not run elasticsearch as root"). When we are
 * root, it runs as SLUICE_ES_USER (default `nobody`), which owns its config, data and logs.
 * Exported for tests that run a private node with a config of their own (security on).
 */
export async function runAs(env: NodeJS.ProcessEnv): Promise<RunAs | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const name = env.SLUICE_ES_USER || DEFAULT_ES_USER;
  const passwd = await readFile('/etc/passwd', 'utf8');
  const entry = passwd
    .split('\n')
    .map((line) => line.split(':'))
    .find((fields) => fields[0] === name);
  if (!entry) {
    throw new ConfigError(`SLUICE_ES_USER=${name} does not exist`, {
      hint: 'Elasticsearch cannot run as root; set SLUICE_ES_USER to an existing unprivileged user',
    });
  }
  return { uid: Number(entry[2]), gid: Number(entry[3]), name };
}

function elasticsearchYml(layout: ElasticsearchLayout, port: number): string {
  return `# Written by \`sluice stack up\` on every start; edit packages/cli/src/stack/elasticsearch.ts instead.
cluster.name: sluice-dev
node.name: sluice-1
discovery.type: single-node
network.host: 127.0.0.1
http.port: ${port}
path.data: ${layout.dataDir}
path.logs: ${layout.logsDir}
# A developer disk that is 90% full must not turn test indices read-only.
cluster.routing.allocation.disk.threshold_enabled: false
action.destructive_requires_name: false
# The distribution carries x-pack-security; a local test node runs plain HTTP without users.
xpack.security.enabled: false
`;
}

export async function chownTree(dir: string, uid: number, gid: number): Promise<void> {
  await chown(dir, uid, gid);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await chownTree(path, uid, gid);
    else await chown(path, uid, gid);
  }
}

export async function launchElasticsearch(paths: StackPaths, note: (line: string) => void): Promise<number> {
  const layout = elasticsearchLayout(paths);
  const [java, home, user] = await Promise.all([
    findJava(),
    elasticsearchHome(paths, note),
    runAs(process.env),
  ]);
  await mkdir(layout.dataDir, { recursive: true });
  await mkdir(layout.logsDir, { recursive: true });
  if (!(await exists(join(layout.configDir, 'jvm.options')))) {
    await cp(join(home, 'config'), layout.configDir, { recursive: true });
  }
  await writeFile(
    join(layout.configDir, 'elasticsearch.yml'),
    elasticsearchYml(layout, paths.ports.elasticsearch),
  );
  // The stock GC log keeps up to 32 x 64 MiB; a test node needs a little history, not 2 GiB.
  const jvmOptions = join(layout.configDir, 'jvm.options');
  await writeFile(
    jvmOptions,
    (await readFile(jvmOptions, 'utf8')).replace('filecount=32,filesize=64m', 'filecount=2,filesize=16m'),
  );
  if (user) {
    await chown(paths.run, 0, 0).catch(() => undefined);
    await chownTree(layout.dir, user.uid, user.gid);
  }
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ES_JAVA_HOME: java.home,
    ES_JAVA_OPTS: `${ELASTICSEARCH_HEAP} ${stackMarker(paths.run)}`,
    ES_PATH_CONF: layout.configDir,
    [STACK_ENV]: paths.run,
    // The JVM writes gc logs relative to its working directory; HOME must be writable for `nobody`.
    HOME: layout.dir,
  };
  delete env.JAVA_HOME;
  // -q: no console copy of the log; the node's own log files (rotated) are the record.
  return spawnDetached(join(home, 'bin', 'elasticsearch'), ['-q'], {
    cwd: layout.logsDir,
    env,
    logFile: join(layout.logsDir, 'stdout.log'),
    ...(user ? { uid: user.uid, gid: user.gid } : {}),
  });
}
