import type { GrokCaseFile } from '../case.js';

export default {
  file: 'mongodb',
  cases: [
    {
      pattern: 'MONGO_LOG',
      line: 'Mar 11 14:28:59 [conn41] end connection 127.0.0.1:52347 (2 connections now open)',
      ecs: {
        timestamp: 'Mar 11 14:28:59',
        mongodb: { component: 'conn41' },
        message: 'end connection 127.0.0.1:52347 (2 connections now open)',
      },
      legacy: {
        timestamp: 'Mar 11 14:28:59',
        component: 'conn41',
        message: 'end connection 127.0.0.1:52347 (2 connections now open)',
      },
      note: 'mongod 2.x',
    },
    {
      pattern: 'MONGO_LOG',
      line: '2024-01-15T10:23:45.123+0000 I NETWORK  [conn1] end connection',
      ecs: null,
      legacy: null,
    },
    {
      pattern: 'MONGO_SLOWQUERY',
      line: 'query test.users query: { name: "alice" } ntoreturn:0 ntoskip:0 nscanned:1000 keyUpdates:0 locks(micros) r:1234 nreturned:1 reslen:100 120ms',
      ecs: {
        mongodb: {
          profile: { op: 'query', ntoreturn: 0, ntoskip: 0, nscanned: 1000, nreturned: 1, duration: 120 },
          database: 'test',
          collection: 'users',
          query: { original: '{ name: "alice" }' },
        },
      },
      legacy: {
        database: 'test',
        collection: 'users',
        query: '{ name: "alice" }',
        ntoreturn: '0',
        ntoskip: '0',
        nscanned: '1000',
        nreturned: '1',
        duration: '120',
      },
    },
    {
      pattern: 'MONGO_SLOWQUERY',
      line: 'update app-db.sessions query: { _id: 5 } ntoreturn:1 ntoskip:0 nscanned:1 nreturned:1 3ms',
      ecs: {
        mongodb: {
          profile: { op: 'update', ntoreturn: 1, ntoskip: 0, nscanned: 1, nreturned: 1, duration: 3 },
          database: 'app-db',
          collection: 'sessions',
          query: { original: '{ _id: 5 }' },
        },
      },
      legacy: null,
    },
    {
      pattern: 'MONGO_SLOWQUERY',
      line: 'query test.users planSummary: COLLSCAN 120ms',
      ecs: null,
      legacy: null,
    },
    { pattern: 'MONGO_QUERY', line: '{ name: "alice" } ntoreturn:0', ecs: {}, legacy: {} },
    { pattern: 'MONGO_QUERY', line: '{ name: "alice" }', ecs: null, legacy: null },
    { pattern: 'MONGO_WORDDASH', line: 'app-db', ecs: {}, legacy: {} },
    { pattern: 'MONGO_WORDDASH', line: '...', ecs: null, legacy: null },
    { pattern: 'MONGO3_SEVERITY', line: 'I', ecs: {}, legacy: {} },
    { pattern: 'MONGO3_SEVERITY', line: '  ', ecs: null, legacy: null },
    { pattern: 'MONGO3_COMPONENT', line: 'NETWORK', ecs: {}, legacy: {} },
    { pattern: 'MONGO3_COMPONENT', line: '-', ecs: null, legacy: {}, note: 'legacy allows a dash' },
    {
      pattern: 'MONGO3_LOG',
      line: '2024-01-15T10:23:45.123+0000 I NETWORK  [initandlisten] waiting for connections on port 27017',
      ecs: {
        timestamp: '2024-01-15T10:23:45.123+0000',
        log: { level: 'I' },
        mongodb: { component: 'NETWORK', context: 'initandlisten' },
        message: 'waiting for connections on port 27017',
      },
      legacy: {
        timestamp: '2024-01-15T10:23:45.123+0000',
        severity: 'I',
        component: 'NETWORK',
        context: 'initandlisten',
        message: 'waiting for connections on port 27017',
      },
      note: 'mongod 3.x/4.0',
    },
    {
      pattern: 'MONGO3_LOG',
      line: '2024-01-15T10:23:45.123+0000 W -        [main] Option: sslMode is deprecated',
      ecs: {
        timestamp: '2024-01-15T10:23:45.123+0000',
        log: { level: 'W' },
        mongodb: { context: 'main' },
        message: 'Option: sslMode is deprecated',
      },
      legacy: {
        timestamp: '2024-01-15T10:23:45.123+0000',
        severity: 'W',
        component: '-',
        context: 'main',
        message: 'Option: sslMode is deprecated',
      },
      note: "component '-'",
    },
    {
      pattern: 'MONGO3_LOG',
      line: '2024-01-15T10:23:45.123+0000 I COMMAND  [conn7] command db.coll command: find { find: "coll" } 105ms',
      ecs: {
        timestamp: '2024-01-15T10:23:45.123+0000',
        log: { level: 'I' },
        mongodb: { component: 'COMMAND', context: 'conn7' },
        message: 'command db.coll command: find { find: "coll" } 105ms',
      },
      legacy: {
        timestamp: '2024-01-15T10:23:45.123+0000',
        severity: 'I',
        component: 'COMMAND',
        context: 'conn7',
        message: 'command db.coll command: find { find: "coll" } 105ms',
      },
    },
    {
      pattern: 'MONGO3_LOG',
      line: '{"t":{"$date":"2024-01-15T10:23:45.123+00:00"},"s":"I","c":"NETWORK","msg":"Connection ended"}',
      ecs: null,
      legacy: null,
      note: 'the JSON log of mongod 4.4+',
    },
  ],
} satisfies GrokCaseFile;
