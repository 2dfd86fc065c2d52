import type { PatternFile } from './library.js';

/**
 * Logstash's `rails` file: a Rails 3+ request as one multi-line event ("Started GET ...",
 * "Processing by Controller#action as HTML", "Parameters: {...}", "Completed 200 OK in
 * 12ms (Views: ... | ActiveRecord: ...)"). Logstash's `(?m)` at the start of RAILS3HEAD
 * has no effect there (the head has no ".") and is left out.
 */
export const railsPatterns: PatternFile = {
  name: 'rails',
  shared: {
    RUUID: String.raw`\h{32}`,
  },
  ecs: {
    RCONTROLLER: String.raw`(?<[rails][controller][class]>[^#]+)#(?<[rails][controller][action]>\w+)`,
    RAILS3HEAD:
      'Started %{WORD:[http][request][method]} "%{URIPATHPARAM:[url][original]}" for %{IPORHOST:[source][address]} at (?<timestamp>%{YEAR}-%{MONTHNUM}-%{MONTHDAY} %{HOUR}:%{MINUTE}:%{SECOND} %{ISO8601_TIMEZONE})',
    RPROCESSING: String.raw`\W*Processing by %{RCONTROLLER} as (?<[rails][request][format]>\S+)(?:\W*Parameters: \{%{DATA:[rails][request][params]}\}\W*)?`,
    RAILS3FOOT:
      'Completed %{POSINT:[http][response][status_code]:int}%{DATA} in %{NUMBER:[rails][request][duration][total]:float}ms %{RAILS3PROFILE}%{GREEDYDATA}',
    RAILS3PROFILE: String.raw`(?:\(Views: %{NUMBER:[rails][request][duration][view]:float}ms \| ActiveRecord: %{NUMBER:[rails][request][duration][active_record]:float}ms|\(ActiveRecord: %{NUMBER:[rails][request][duration][active_record]:float}ms)?`,
    RAILS3: String.raw`%{RAILS3HEAD}(?:%{RPROCESSING})?(?<[rails][request][explain][original]>(?:%{DATA}\n)*)(?:%{RAILS3FOOT})?`,
  },
  legacy: {
    RCONTROLLER: String.raw`(?<controller>[^#]+)#(?<action>\w+)`,
    RAILS3HEAD:
      'Started %{WORD:verb} "%{URIPATHPARAM:request}" for %{IPORHOST:clientip} at (?<timestamp>%{YEAR}-%{MONTHNUM}-%{MONTHDAY} %{HOUR}:%{MINUTE}:%{SECOND} %{ISO8601_TIMEZONE})',
    RPROCESSING: String.raw`\W*Processing by %{RCONTROLLER} as (?<format>\S+)(?:\W*Parameters: \{%{DATA:params}\}\W*)?`,
    RAILS3FOOT:
      'Completed %{NUMBER:response}%{DATA} in %{NUMBER:totalms:float}ms %{RAILS3PROFILE}%{GREEDYDATA}',
    RAILS3PROFILE: String.raw`(?:\(Views: %{NUMBER:viewms:float}ms \| ActiveRecord: %{NUMBER:activerecordms:float}ms|\(ActiveRecord: %{NUMBER:activerecordms:float}ms)?`,
    RAILS3: String.raw`%{RAILS3HEAD}(?:%{RPROCESSING})?(?<context>(?:%{DATA}\n)*)(?:%{RAILS3FOOT})?`,
  },
};
