import { finish } from './common.js';
import type { ModuleDefinition } from './types.js';

/** Python `logging`: BASIC_FORMAT and the asctime layout, with tracebacks joined by the multi-line rule. */
export const python: ModuleDefinition = {
  name: 'python',
  description:
    'Python logging: "LEVEL:logger:msg" and "asctime - logger - LEVEL - msg", tracebacks as error.*',
  steps: [
    { grok: { patterns: ['%{PYTHON_ASCTIME_LOG}', '%{PYTHON_BASIC_LOG}'] } },
    { grok: { patterns: ['%{PYTHON_TRACEBACK}'], tag_on_failure: [] } },
    ...finish('python', ['ISO8601']),
  ],
  multiline: {
    startPattern: String.raw`^(?:\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}|(?:CRITICAL|FATAL|ERROR|WARNING|WARN|INFO|DEBUG|NOTSET):)`,
  },
};

/** Ruby on Rails request logs (Started / Processing by / Completed), with or without the Logger prefix and request-id tags. */
export const rails: ModuleDefinition = {
  name: 'rails',
  description:
    'Ruby on Rails request log: Started, Processing by, Completed lines (Logger prefix and tags optional)',
  steps: [
    { grok: { patterns: ['%{RAILS_LINE}'] } },
    ...finish('rails', ['ISO8601', 'yyyy-MM-dd HH:mm:ss Z', 'yyyy-MM-dd HH:mm:ss']),
  ],
};

/** Docker's json-file logging driver: one JSON object per line with `log`, `stream`, `time`. */
export const docker: ModuleDefinition = {
  name: 'docker',
  description: 'Docker json-file logs: {"log","stream","time"} per line; message, stream and @timestamp',
  steps: [
    { json: { field: 'message', target: 'docker' } },
    {
      mutate: {
        rename: {
          'docker.log': 'message',
          'docker.stream': 'stream',
          'docker.time': 'timestamp',
          'docker.attrs': 'container.labels',
        },
      },
    },
    { mutate: { remove: ['docker'] }, if: { exists: 'docker' } },
    { mutate: { gsub: [['message', '\\r?\\n$', '']] }, if: { exists: 'message' } },
    ...finish('docker', ['ISO8601']),
  ],
};

/** Java applications logging with log4j/logback defaults, stack traces joined by the multi-line rule. */
export const java: ModuleDefinition = {
  name: 'java',
  description:
    'Java log4j/logback lines with multi-line stack traces: error.type, error.message, error.stack_trace',
  steps: [
    {
      grok: {
        patterns: [
          '^%{TIMESTAMP_ISO8601:timestamp} +%{LOGLEVEL:[log][level]} +\\[(?<[process][thread][name]>[^\\]]+)\\] +%{JAVACLASS:[log][logger]}(?: +-|:) %{GREEDYMULTILINE:message}',
          '^%{TIMESTAMP_ISO8601:timestamp} +\\[(?<[process][thread][name]>[^\\]]+)\\] +%{LOGLEVEL:[log][level]} +%{JAVACLASS:[log][logger]} +- %{GREEDYMULTILINE:message}',
        ],
      },
    },
    {
      grok: {
        patterns: [
          '\\n(?<[error][type]>%{JAVACLASS})(?:: %{GREEDYDATA:[error][message]})?\\n(?<[error][stack_trace]>\\s+at [\\s\\S]*)',
        ],
        tag_on_failure: [],
      },
    },
    ...finish('java', ['ISO8601', 'yyyy-MM-dd HH:mm:ss,SSS', 'yyyy-MM-dd HH:mm:ss.SSS']),
  ],
  multiline: { startPattern: String.raw`^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}` },
};
