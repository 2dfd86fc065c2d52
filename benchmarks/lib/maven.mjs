// The brokers' native load tools are Java programs published on Maven Central. They are
// resolved the way `sluice stack up` resolves the Kafka broker (packages/cli/src/stack/kafka.ts):
// `mvn dependency:build-classpath` on a one-dependency pom written into the cache dir, jars in
// ~/.m2, the classpath cached as a file so later runs need neither mvn nor the network.
// Nothing is ever written into the repository.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

const CENTRAL = 'https://repo1.maven.org/maven2';

/** Same rule as the stack's cache (stackPaths): SLUICE_CACHE_DIR, else /var/cache/sluice as root, else XDG. */
export function benchCacheDir(env = process.env) {
  const base =
    env.SLUICE_CACHE_DIR ||
    (process.getuid?.() === 0
      ? '/var/cache/sluice'
      : join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'sluice'));
  return join(base, 'bench');
}

export const m2Repository = () => join(homedir(), '.m2', 'repository');

const artifactPath = (groupId, artifactId) => `${CENTRAL}/${groupId.replaceAll('.', '/')}/${artifactId}`;

/**
 * The version to use: `preferred` (the broker's own version) if Maven Central has it, else
 * Central's latest release (on 2026-11-23 Central had kafka_2.13 4.4.0 but kafka-tools only up
 * to 4.3.1; a 4.3 client talks to a 4.4 broker, and the results say which version ran). The choice is cached next to the classpaths, so later runs do not ask.
 */
export async function pickVersion(groupId, artifactId, preferred) {
  const decided = join(benchCacheDir(), `${artifactId}-for-${preferred}.version`);
  if (existsSync(decided)) {
    const version = readFileSync(decided, 'utf8').trim();
    return { version, fallback: version !== preferred };
  }
  const base = artifactPath(groupId, artifactId);
  const head = await fetch(`${base}/${preferred}/${artifactId}-${preferred}.pom`, { method: 'HEAD' }).catch(
    (error) => {
      throw new Error(
        `cannot reach Maven Central for ${groupId}:${artifactId} (${error.message}); check the network or proxy`,
      );
    },
  );
  let version = preferred;
  if (!head.ok) {
    const metadata = await (await fetch(`${base}/maven-metadata.xml`)).text();
    version = /<release>([^<]+)<\/release>/.exec(metadata)?.[1];
    if (!version) throw new Error(`Maven Central lists no release of ${groupId}:${artifactId}`);
  }
  mkdirSync(benchCacheDir(), { recursive: true });
  writeFileSync(decided, `${version}\n`);
  return { version, fallback: version !== preferred };
}

function cachedClasspath(artifactId, version) {
  const file = join(benchCacheDir(), `${artifactId}-${version}`, 'classpath.txt');
  if (!existsSync(file)) return undefined;
  const classpath = readFileSync(file, 'utf8').trim();
  const jars = classpath.split(':');
  return jars.length > 0 && jars.every((jar) => existsSync(jar)) ? classpath : undefined;
}

/** Classpath of `groupId:artifactId:version` and all its runtime dependencies. */
export function resolveClasspath(groupId, artifactId, version, note = (line) => console.error(line)) {
  const cached = cachedClasspath(artifactId, version);
  if (cached) return cached;
  const dir = join(benchCacheDir(), `${artifactId}-${version}`);
  mkdirSync(dir, { recursive: true });
  const pom = join(dir, 'pom.xml');
  writeFileSync(
    pom,
    `<project xmlns="http://maven.apache.org/POM/4.0.0">
  <!-- Written by benchmarks/lib/maven.mjs to resolve a benchmark tool's classpath. -->
  <modelVersion>4.0.0</modelVersion>
  <groupId>dev.sluice.bench</groupId>
  <artifactId>${artifactId}-classpath</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>${groupId}</groupId><artifactId>${artifactId}</artifactId><version>${version}</version></dependency>
  </dependencies>
</project>
`,
  );
  note(
    `resolving ${groupId}:${artifactId}:${version} from Maven Central into ${m2Repository()} (first run only)`,
  );
  const out = join(dir, 'classpath.txt');
  const mvn = spawnSync(
    'mvn',
    [
      '-q',
      '-B',
      '-f',
      pom,
      `-Dmaven.repo.local=${m2Repository()}`,
      'dependency:build-classpath',
      `-Dmdep.outputFile=${out}`,
    ],
    { cwd: dir, encoding: 'utf8' },
  );
  if (mvn.error?.code === 'ENOENT')
    throw new Error(
      'mvn not found: install Maven (apt-get install -y maven); it fetches the tool jars from Maven Central',
    );
  if (mvn.status !== 0)
    throw new Error(
      `mvn could not resolve ${groupId}:${artifactId}:${version}:\n${(mvn.stdout + mvn.stderr).slice(-2000)}`,
    );
  return readFileSync(out, 'utf8').trim();
}
