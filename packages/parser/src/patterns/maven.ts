import type { PatternFile } from './library.js';

/** Logstash's `maven` file: a version such as `3.8.1`, `2.0-SNAPSHOT` or `1.2.*`; no captures. */
export const mavenPatterns: PatternFile = {
  name: 'maven',
  shared: {
    MAVEN_VERSION: String.raw`(?:(?:\d+)\.)?(?:(?:\d+)\.)?(?:\*|\d+)(?:[.-](?:RELEASE|SNAPSHOT))?`,
  },
  ecs: {},
  legacy: {},
};
