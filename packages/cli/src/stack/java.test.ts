import { describe, expect, it } from 'vitest';
import { findJava } from './java.js';

describe('findJava', () => {
  it('says how to install Java when JAVA_HOME points nowhere', async () => {
    const error = await findJava({ JAVA_HOME: '/nonexistent-jdk' }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      name: 'ConfigError',
      message: 'java not found (/nonexistent-jdk/bin/java)',
      exitCode: 2,
    });
    expect((error as { hint: string }).hint).toContain('apt-get install -y openjdk-17-jre-headless');
  });

  it('finds the java on PATH, 17 or newer, with its home for ES_JAVA_HOME', async () => {
    const java = await findJava({ PATH: process.env.PATH });
    expect(java.major).toBeGreaterThanOrEqual(17);
    expect(java.bin).toBe(`${java.home}/bin/java`);
  });
});
