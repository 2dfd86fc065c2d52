import type { GrokCaseFile } from '../case.js';

export default {
  file: 'postgresql',
  cases: [
    {
      pattern: 'POSTGRESQL',
      line: '2024-01-15 10:23:45 UTC postgres 5f2a1b.3c4d 1234',
      ecs: {
        timestamp: '24-01-15 10:23:45',
        event: { timezone: 'UTC' },
        user: { name: 'postgres' },
        postgresql: { log: { connection_id: '5f2a1b.3c4d' } },
        process: { pid: 1234 },
      },
      legacy: {
        timestamp: '24-01-15 10:23:45',
        user_id: 'postgres',
        connection_id: '5f2a1b.3c4d',
        pid: '1234',
      },
      note: "log_line_prefix = '%t %u %c %p'",
    },
    {
      pattern: 'POSTGRESQL',
      line: '01-15-2024 10:23:45 CEST app_user 65a4f1c2.7b 4321',
      ecs: null,
      legacy: null,
    },
    {
      pattern: 'POSTGRESQL',
      line: '2024-01-15 10:23:45.123 UTC [1234] LOG:  database system is ready',
      ecs: null,
      legacy: null,
      note: "the default '%m [%p] ' prefix",
    },
  ],
} satisfies GrokCaseFile;
