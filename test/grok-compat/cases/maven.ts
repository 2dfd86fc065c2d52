import type { GrokCaseFile } from '../case.js';

export default {
  file: 'maven',
  cases: [
    { pattern: 'MAVEN_VERSION', line: '3.8.1', ecs: {}, legacy: {} },
    { pattern: 'MAVEN_VERSION', line: '2.0-SNAPSHOT', ecs: {}, legacy: {} },
    { pattern: 'MAVEN_VERSION', line: '1.2.*', ecs: {}, legacy: {} },
    { pattern: 'MAVEN_VERSION', line: 'vX.Y', ecs: null, legacy: null },
  ],
} satisfies GrokCaseFile;
