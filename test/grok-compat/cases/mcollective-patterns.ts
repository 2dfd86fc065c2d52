import type { GrokCaseFile } from '../case.js';

export default {
  file: 'mcollective-patterns',
  cases: [
    {
      pattern: 'MCOLLECTIVE',
      line: "I, [2024-01-15T10:23:45.123456 #1234]  INFO -- : rpcserver.rb:92:in `handlemsg' Handling message for agent 'puppet'",
      legacy: { timestamp: '2024-01-15T10:23:45.123456', pid: '1234', event_level: 'INFO' },
    },
    {
      pattern: 'MCOLLECTIVE',
      line: 'W, [2024-01-15T10:23:46.5 #99] WARN -- : Failed to connect',
      legacy: { timestamp: '2024-01-15T10:23:46.5', pid: '99', event_level: 'WARN' },
    },
    {
      pattern: 'MCOLLECTIVE',
      line: '[2024-01-15T10:23:45 #1234] INFO',
      legacy: null,
      note: 'no severity letter before it',
    },
  ],
} satisfies GrokCaseFile;
