import type { GrokCaseFile } from '../case.js';

export default {
  file: 'ruby',
  cases: [
    {
      pattern: 'RUBY_LOGGER',
      line: 'I, [2024-01-15T10:23:45.123456 #1234]  INFO -- MyApp: Started worker',
      ecs: {
        timestamp: '2024-01-15T10:23:45.123456',
        process: { pid: 1234, name: 'MyApp' },
        log: { level: 'INFO' },
        message: 'Started worker',
      },
      legacy: {
        timestamp: '2024-01-15T10:23:45.123456',
        pid: 1234,
        loglevel: 'INFO',
        progname: 'MyApp',
        message: 'Started worker',
      },
    },
    {
      pattern: 'RUBY_LOGGER',
      line: 'E, [2024-01-15T10:23:46.000001 #77] ERROR -- : something failed: boom',
      ecs: {
        timestamp: '2024-01-15T10:23:46.000001',
        process: { pid: 77 },
        log: { level: 'ERROR' },
        message: 'something failed: boom',
      },
      legacy: {
        timestamp: '2024-01-15T10:23:46.000001',
        pid: 77,
        loglevel: 'ERROR',
        message: 'something failed: boom',
      },
      note: 'no progname',
    },
    {
      pattern: 'RUBY_LOGGER',
      line: 'D, [2024-01-15T10:23:47.1 #9] DEBUG -- sidekiq: jid=abc',
      ecs: {
        timestamp: '2024-01-15T10:23:47.1',
        process: { pid: 9, name: 'sidekiq' },
        log: { level: 'DEBUG' },
        message: 'jid=abc',
      },
      legacy: {
        timestamp: '2024-01-15T10:23:47.1',
        pid: 9,
        loglevel: 'DEBUG',
        progname: 'sidekiq',
        message: 'jid=abc',
      },
    },
    {
      pattern: 'RUBY_LOGGER',
      line: 'A, [2024-01-15T10:23:48.1 #9]   ANY -- app: unknown severity',
      ecs: null,
      legacy: null,
      note: "Logger's UNKNOWN severity (A/ANY) is not in RUBY_LOGLEVEL",
    },
    { pattern: 'RUBY_LOGLEVEL', line: 'WARN', ecs: {}, legacy: {} },
    { pattern: 'RUBY_LOGLEVEL', line: 'warn', ecs: null, legacy: null },
  ],
} satisfies GrokCaseFile;
