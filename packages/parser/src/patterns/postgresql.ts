import type { PatternFile } from './library.js';

/** Logstash's `postgresql` file: the default pg_log prefix (`%t %u %c %p` style). */
export const postgresqlPatterns: PatternFile = {
  name: 'postgresql',
  ecs: {
    POSTGRESQL:
      '%{DATESTAMP:timestamp} %{TZ:[event][timezone]} %{DATA:[user][name]} %{GREEDYDATA:[postgresql][log][connection_id]} %{POSINT:[process][pid]:int}',
  },
  legacy: {
    POSTGRESQL: '%{DATESTAMP:timestamp} %{TZ} %{DATA:user_id} %{GREEDYDATA:connection_id} %{POSINT:pid}',
  },
};
