import type { GrokCaseFile } from '../case.js';

export default {
  file: 'mcollective',
  cases: [
    {
      pattern: 'MCOLLECTIVEAUDIT',
      line: '2024-01-15T10:23:45.123456+0000: reqid=abc: reqtime=1705314225 caller=cert=admin@host agent=puppet action=runonce',
      ecs: { timestamp: '2024-01-15T10:23:45.123456+0000' },
      legacy: { timestamp: '2024-01-15T10:23:45.123456+0000' },
    },
    { pattern: 'MCOLLECTIVEAUDIT', line: 'no timestamp: here', ecs: null, legacy: null },
    {
      pattern: 'MCOLLECTIVE',
      line: "I, [2024-01-15T10:23:45.123456 #1234]  INFO -- : rpcserver.rb:92:in `handlemsg' Handling message for agent 'puppet'",
      ecs: { timestamp: '2024-01-15T10:23:45.123456', process: { pid: 1234 }, log: { level: 'INFO' } },
    },
    {
      pattern: 'MCOLLECTIVE',
      line: '[2024-01-15T10:23:45 #1234] INFO',
      ecs: null,
      note: 'no severity letter before it',
    },
  ],
} satisfies GrokCaseFile;
