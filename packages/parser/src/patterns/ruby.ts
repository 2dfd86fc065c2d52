import type { PatternFile } from './library.js';

/** Logstash's `ruby` file: Ruby's Logger default format (`I, [ISO8601 #pid]  INFO -- progname: msg`). */
export const rubyPatterns: PatternFile = {
  name: 'ruby',
  shared: {
    RUBY_LOGLEVEL: '(?:DEBUG|FATAL|ERROR|WARN|INFO)',
  },
  ecs: {
    RUBY_LOGGER: String.raw`[DFEWI], \[%{TIMESTAMP_ISO8601:timestamp} #%{POSINT:[process][pid]:int}\] *%{RUBY_LOGLEVEL:[log][level]} -- +%{DATA:[process][name]}: %{GREEDYDATA:message}`,
  },
  legacy: {
    RUBY_LOGGER: String.raw`[DFEWI], \[%{TIMESTAMP_ISO8601:timestamp} #%{POSINT:pid:int}\] *%{RUBY_LOGLEVEL:loglevel} -- +%{DATA:progname}: %{GREEDYDATA:message}`,
  },
};
