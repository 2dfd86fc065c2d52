import type { PatternFile } from './library.js';

/**
 * Logstash's `mcollective` file (Marionette Collective's Ruby Logger lines, `I, [2014-01-09T12:00:00.123456 #1234]  INFO -- ...`,
 * and its audit log). Legacy Logstash keeps MCOLLECTIVE in a second file,
 * `mcollective-patterns`, which also repeats MCOLLECTIVEAUDIT unchanged; that repetition
 * is this file's MCOLLECTIVEAUDIT.
 */
export const mcollectivePatterns: PatternFile = {
  name: 'mcollective',
  shared: {
    MCOLLECTIVEAUDIT: '%{TIMESTAMP_ISO8601:timestamp}:',
  },
  ecs: {
    MCOLLECTIVE: String.raw`., \[%{TIMESTAMP_ISO8601:timestamp} #%{POSINT:[process][pid]:int}\]%{SPACE}%{LOGLEVEL:[log][level]}`,
  },
  legacy: {},
};

export const mcollectiveLegacyPatterns: PatternFile = {
  name: 'mcollective-patterns',
  ecs: {},
  legacy: {
    MCOLLECTIVE: String.raw`., \[%{TIMESTAMP_ISO8601:timestamp} #%{POSINT:pid}\]%{SPACE}%{LOGLEVEL:event_level}`,
  },
};
