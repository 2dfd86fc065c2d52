import type { PatternFile } from './library.js';

/**
 * Logstash's `mongodb` file: the mongod log before 3.0 (`Mmm dd hh:mm:ss [component] msg`,
 * slow-query lines with ntoreturn/nscanned/nreturned counters) and 3.x
 * (`ISO8601 S COMPONENT [context] msg`).
 */
export const mongodbPatterns: PatternFile = {
  name: 'mongodb',
  shared: {
    // The query document between "{ " and " } ntoreturn:", braces included.
    MONGO_QUERY: String.raw`\{ (?<=\{ ).*(?= \} ntoreturn:) \}`,
    MONGO_WORDDASH: String.raw`\b[\w-]+\b`,
    MONGO3_SEVERITY: String.raw`\w`,
  },
  ecs: {
    MONGO_LOG: String.raw`%{SYSLOGTIMESTAMP:timestamp} \[%{WORD:[mongodb][component]}\] %{GREEDYDATA:message}`,
    MONGO_SLOWQUERY: String.raw`%{WORD:[mongodb][profile][op]} %{MONGO_WORDDASH:[mongodb][database]}\.%{MONGO_WORDDASH:[mongodb][collection]} %{WORD}: %{MONGO_QUERY:[mongodb][query][original]} ntoreturn:%{NONNEGINT:[mongodb][profile][ntoreturn]:int} ntoskip:%{NONNEGINT:[mongodb][profile][ntoskip]:int} nscanned:%{NONNEGINT:[mongodb][profile][nscanned]:int}.*? nreturned:%{NONNEGINT:[mongodb][profile][nreturned]:int}.*? %{INT:[mongodb][profile][duration]:int}ms`,
    MONGO3_COMPONENT: '%{WORD}',
    MONGO3_LOG: String.raw`%{TIMESTAMP_ISO8601:timestamp} %{MONGO3_SEVERITY:[log][level]} (?:-|%{MONGO3_COMPONENT:[mongodb][component]})%{SPACE}(?:\[%{DATA:[mongodb][context]}\])? %{GREEDYDATA:message}`,
  },
  legacy: {
    MONGO_LOG: String.raw`%{SYSLOGTIMESTAMP:timestamp} \[%{WORD:component}\] %{GREEDYDATA:message}`,
    MONGO_SLOWQUERY: String.raw`%{WORD} %{MONGO_WORDDASH:database}\.%{MONGO_WORDDASH:collection} %{WORD}: %{MONGO_QUERY:query} %{WORD}:%{NONNEGINT:ntoreturn} %{WORD}:%{NONNEGINT:ntoskip} %{WORD}:%{NONNEGINT:nscanned}.*nreturned:%{NONNEGINT:nreturned}..+ (?<duration>[0-9]+)ms`,
    MONGO3_COMPONENT: '%{WORD}|-',
    MONGO3_LOG: String.raw`%{TIMESTAMP_ISO8601:timestamp} %{MONGO3_SEVERITY:severity} %{MONGO3_COMPONENT:component}%{SPACE}(?:\[%{DATA:context}\])? %{GREEDYDATA:message}`,
  },
};
