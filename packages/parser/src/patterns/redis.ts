import type { PatternFile } from './library.js';

/** Logstash's `redis` file: the server log (`[pid] 14 Nov 07:01:22.119 * msg`) and MONITOR output. */
export const redisPatterns: PatternFile = {
  name: 'redis',
  shared: {
    REDISTIMESTAMP: '%{MONTHDAY} %{MONTH} %{TIME}',
  },
  ecs: {
    REDISLOG: String.raw`\[%{POSINT:[process][pid]:int}\] %{REDISTIMESTAMP:timestamp} \*`,
    REDISMONLOG: String.raw`%{NUMBER:timestamp} \[%{INT:[redis][database][id]} %{IP:[client][ip]}:%{POSINT:[client][port]:int}\] "%{WORD:[redis][command][name]}"\s?%{GREEDYDATA:[redis][command][args]}`,
  },
  legacy: {
    // The legacy definition ends with a space after the "*".
    REDISLOG: String.raw`\[%{POSINT:pid}\] %{REDISTIMESTAMP:timestamp} \* `,
    REDISMONLOG: String.raw`%{NUMBER:timestamp} \[%{INT:database} %{IP:client}:%{NUMBER:port:int}\] "%{WORD:command}"\s?%{GREEDYDATA:params}`,
  },
};
