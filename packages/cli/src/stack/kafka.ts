import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from '@sluice/core';
import { KAFKA_HEAP, KAFKA_VERSION, type StackPaths } from './config.js';
import { findJava } from './java.js';
import { run, STACK_ENV, spawnDetached, stackMarker } from './process.js';

export interface KafkaLayout {
  readonly dir: string;
  readonly dataDir: string;
  readonly logsDir: string;
  readonly config: string;
  readonly pidFile: string;
  readonly logFile: string;
}

export function kafkaLayout(paths: StackPaths): KafkaLayout {
  const dir = join(paths.run, 'kafka');
  return {
    dir,
    dataDir: join(dir, 'data'),
    logsDir: join(dir, 'logs'),
    config: join(dir, 'server.properties'),
    pidFile: join(dir, 'kafka.pid'),
    logFile: join(dir, 'logs', 'server.log'),
  };
}

const exists = (file: string) =>
  stat(file).then(
    () => true,
    () => false,
  );

/**
 * The broker's classpath: resolved once by Maven (jars land in ~/.m2) and cached as a file,
 * so later starts need neither mvn nor the network. Rebuilt if any jar disappeared.
 */
export async function kafkaClasspath(paths: StackPaths, note: (line: string) => void): Promise<string> {
  const dir = join(paths.cache, 'kafka', KAFKA_VERSION);
  const file = join(dir, 'classpath.txt');
  if (await exists(file)) {
    const classpath = (await readFile(file, 'utf8')).trim();
    const jars = classpath.split(':');
    if (jars.length > 0 && (await Promise.all(jars.map(exists))).every(Boolean)) return classpath;
  }
  note(`kafka: resolving kafka_2.13 ${KAFKA_VERSION} from Maven Central (first start only)`);
  await mkdir(dir, { recursive: true });
  // Run mvn on a copy so nothing (target/, outputs) is ever written into the repository.
  const pom = join(dir, 'pom.xml');
  await copyFile(join(paths.deploy, 'kafka', 'pom.xml'), pom);
  await run(
    'mvn',
    [
      '-q',
      '-B',
      '-f',
      pom,
      // Pinned so the jars are where the cached classpath says, whatever settings.xml prefers.
      `-Dmaven.repo.local=${paths.m2}`,
      `-Dkafka.version=${KAFKA_VERSION}`,
      'dependency:build-classpath',
      `-Dmdep.outputFile=${file}`,
    ],
    {
      cwd: dir,
      hint: 'install Maven: apt-get install -y maven (it fetches the Kafka jars from Maven Central)',
    },
  );
  return (await readFile(file, 'utf8')).trim();
}

/**
 * Single-node KRaft: one process is both broker and controller, everything on loopback,
 * every internal topic with replication factor 1, and no initial rebalance delay so tests
 * with consumer groups do not wait 3 s per group.
 */
function serverProperties(layout: KafkaLayout, ports: StackPaths['ports']): string {
  return `# Written by \`sluice stack up\` on every start; edit packages/cli/src/stack/kafka.ts instead.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:${ports.kafkaController}
listeners=PLAINTEXT://127.0.0.1:${ports.kafka},CONTROLLER://127.0.0.1:${ports.kafkaController}
advertised.listeners=PLAINTEXT://127.0.0.1:${ports.kafka}
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=${layout.dataDir}
num.partitions=1
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=true
delete.topic.enable=true
# Retention by size only: log lines are often shipped with their own (old) event time as the
# record timestamp, and time-based retention would then delete unconsumed test data as soon as
# a segment rolls. 1 GiB per partition bounds the disk instead.
log.segment.bytes=67108864
log.retention.ms=-1
log.retention.bytes=1073741824
`;
}

function jvmArgs(paths: StackPaths, layout: KafkaLayout, classpath: string): string[] {
  return [
    KAFKA_HEAP,
    '-Xms256m',
    '-XX:+UseG1GC',
    '-XX:MaxGCPauseMillis=20',
    '-Djava.awt.headless=true',
    `-Dlog4j2.configurationFile=${join(paths.deploy, 'kafka', 'log4j2.xml')}`,
    `-Dkafka.logs.dir=${layout.logsDir}`,
    stackMarker(paths.run),
    '-cp',
    classpath,
  ];
}

/**
 * Test hooks for a private broker with extra listeners (TLS, SASL): the file named by
 * SLUICE_KAFKA_EXTRA_PROPERTIES is appended to server.properties (a key given twice takes
 * its last value, so it may replace `listeners` and friends), and each whitespace-separated
 * entry of SLUICE_KAFKA_SCRAM (`SCRAM-SHA-512=[name=USER,password=PASS]`) becomes a
 * `--add-scram` of the first format, which is how KRaft gets SCRAM users before any listener
 * is up. Neither is meant for the shared stack.
 */
async function extraProperties(env: NodeJS.ProcessEnv): Promise<string> {
  const file = env.SLUICE_KAFKA_EXTRA_PROPERTIES?.trim();
  if (!file) return '';
  try {
    return `\n# From SLUICE_KAFKA_EXTRA_PROPERTIES=${file}\n${await readFile(file, 'utf8')}\n`;
  } catch (error) {
    throw new ConfigError(
      `SLUICE_KAFKA_EXTRA_PROPERTIES names ${file}, which cannot be read: ${(error as NodeJS.ErrnoException).code ?? error}`,
      { hint: 'point it at a readable server.properties fragment, or unset it' },
    );
  }
}

function scramArgs(env: NodeJS.ProcessEnv): string[] {
  const entries = env.SLUICE_KAFKA_SCRAM?.trim().split(/\s+/).filter(Boolean) ?? [];
  return entries.flatMap((entry) => ['--add-scram', entry]);
}

/** Writes the config, formats storage on the very first start, and launches the broker. */
export async function launchKafka(paths: StackPaths, note: (line: string) => void): Promise<number> {
  const layout = kafkaLayout(paths);
  const [java, classpath] = await Promise.all([findJava(), kafkaClasspath(paths, note)]);
  await mkdir(layout.dataDir, { recursive: true });
  await mkdir(layout.logsDir, { recursive: true });
  await writeFile(
    layout.config,
    serverProperties(layout, paths.ports) + (await extraProperties(process.env)),
  );
  if (!(await exists(join(layout.dataDir, 'meta.properties')))) {
    const clusterId = newClusterId();
    await run(
      java.bin,
      [
        ...jvmArgs(paths, layout, classpath),
        'kafka.tools.StorageTool',
        'format',
        // One argument, so an id that starts with '-' cannot be taken for an option.
        `--cluster-id=${clusterId}`,
        '-c',
        layout.config,
        ...scramArgs(process.env),
      ],
      {
        timeoutMs: 120_000,
      },
    );
  }
  return spawnDetached(java.bin, [...jvmArgs(paths, layout, classpath), 'kafka.Kafka', layout.config], {
    cwd: layout.dir,
    env: { ...process.env, [STACK_ENV]: paths.run },
    logFile: join(layout.logsDir, 'stdout.log'),
  });
}

/**
 * A KRaft cluster id: 16 random bytes in URL-safe base64 without padding (Kafka's Uuid
 * format). Like Kafka's own `Uuid.randomUuid()`, never one that starts with '-': the
 * storage tool's argument parser reads `-t -abc...` as a missing value and a new option,
 * which made about one `stack up` in 32 fail on a fresh directory.
 */
export function newClusterId(random: () => Buffer = () => randomBytes(16)): string {
  for (;;) {
    const id = random().toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}
