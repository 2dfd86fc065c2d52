import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ConfigError } from '@sluice/core';

const execFileAsync = promisify(execFile);
const INSTALL_HINT =
  'install a Java 17 runtime: apt-get install -y openjdk-17-jre-headless (or set JAVA_HOME)';

export interface JavaRuntime {
  readonly bin: string;
  /** JAVA_HOME of that binary, handed to Elasticsearch as ES_JAVA_HOME. */
  readonly home: string;
  readonly major: number;
}

let cached: Promise<JavaRuntime> | undefined;

/** The java binary from JAVA_HOME, else PATH; both services need 17 or newer. */
export function findJava(env: NodeJS.ProcessEnv = process.env): Promise<JavaRuntime> {
  cached ??= locate(env);
  return cached;
}

async function locate(env: NodeJS.ProcessEnv): Promise<JavaRuntime> {
  const candidate = env.JAVA_HOME ? join(env.JAVA_HOME, 'bin', 'java') : 'java';
  let output: string;
  try {
    const { stdout, stderr } = await execFileAsync(candidate, ['-XshowSettings:properties', '-version'], {
      timeout: 20_000,
    });
    output = `${stdout}${stderr}`;
  } catch (error) {
    cached = undefined;
    throw new ConfigError(`java not found (${candidate})`, { hint: INSTALL_HINT, cause: error });
  }
  const home = /^\s*java\.home = (.+)$/m.exec(output)?.[1]?.trim();
  const version = /^\s*java\.specification\.version = (\d+)/m.exec(output)?.[1];
  const major = Number(version);
  if (!home || !Number.isInteger(major))
    throw new ConfigError(`could not read the version of ${candidate}`, { hint: INSTALL_HINT });
  if (major < 17)
    throw new ConfigError(`java ${major} is too old for Kafka 4 and Elasticsearch 8 (need 17+)`, {
      hint: INSTALL_HINT,
    });
  return { bin: join(home, 'bin', 'java'), home, major };
}
