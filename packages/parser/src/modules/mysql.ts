import type { ProcessorSpec } from '../pipeline/compile.js';
import { finish } from './common.js';
import type { ModuleDefinition } from './types.js';

/**
 * MySQL, MariaDB and Percona Server logs, with the fields and event boundaries of
 * Filebeat's mysql module (error and slowlog filesets), so dashboards and queries written
 * for Filebeat work on Sluice's events.
 */

/** What Filebeat's mysql module adds to every event: the ECS categorisation and `service.type`. */
const databaseEvent: ProcessorSpec = {
  mutate: {
    add: {
      'event.kind': 'event',
      'event.category': ['database'],
      'event.type': ['info'],
      'service.type': 'mysql',
    },
  },
};

/**
 * `related.user` / `related.ip` are lists. mutate's templates make strings, so the value is
 * copied and split on a line break, which a value captured from one line cannot contain.
 */
function related(from: string, to: string): ProcessorSpec[] {
  return [{ mutate: [{ copy: { [from]: to } }, { split: { [to]: '\n' } }], if: { exists: from } }];
}

/** MySQL error log: every layout from 5.5 to 8.x, MariaDB and Percona; continuation lines joined. */
export const mysqlError: ModuleDefinition = {
  name: 'mysql.error',
  description: 'MySQL/MariaDB/Percona error log, 5.5 to 8.x layouts: log.level, mysql.thread_id, event.code',
  steps: [
    // An entry without a timestamp (the first lines of a file read from the middle) keeps its text.
    { grok: { patterns: ['%{MYSQL_ERROR_LINE}'], tag_on_failure: [] } },
    { grok: { patterns: ['%{MYSQL_ERROR_CODE}'], tag_on_failure: [] } },
    {
      grok: {
        patterns: [
          '%{MYSQL_ERROR_ACCESS_DENIED}',
          '%{MYSQL_ERROR_FORCING_CLOSE}',
          '%{MYSQL_ERROR_UNRESOLVED_IP}',
        ],
        tag_on_failure: [],
      },
      if: { field: 'message', matches: "Access denied for user '|Forcing close of thread |IP address '" },
    },
    ...related('user.name', 'related.user'),
    ...related('source.ip', 'related.ip'),
    databaseEvent,
    {
      mutate: { add: { 'event.type': ['info', 'error'] } },
      if: { field: 'log.level', matches: '^[Ee][Rr][Rr][Oo][Rr]$' },
    },
    {
      mutate: {
        add: { 'event.category': ['database', 'authentication'], 'event.outcome': 'failure' },
      },
      if: { field: 'message', matches: "^Access denied for user '|\\] Access denied for user '" },
    },
    // Local times (5.5/5.6/MariaDB) carry no zone and are read as UTC.
    ...finish('mysql.error', [
      'ISO8601',
      'yyMMdd H:m:s',
      'yyMMdd  H:m:s',
      'yyyy-MM-dd H:m:s',
      'yyyy-MM-dd  H:m:s',
    ]),
  ],
  // Filebeat's rule: a line starting with a date (yyyy-mm-dd or yymmdd) starts an entry.
  multiline: { startPattern: String.raw`^(?:[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{6})` },
};

/**
 * The `# Key: value` attributes of a slow log entry and the Filebeat field each becomes.
 * MySQL writes Query_time .. Rows_examined (8.0 with log_slow_extra adds Thread_id .. End
 * on the same line); MariaDB adds Thread_id/Schema/QC_hit, Rows_affected, Bytes_sent,
 * Tmp_*, Full_scan .. Priority_queue; Percona adds Schema/Last_errno/Killed, Bytes_sent,
 * Tmp_*, InnoDB_trx_id, QC_Hit .. Merge_passes, the InnoDB_* statistics and Log_slow_rate_*.
 */
const SLOWLOG_ATTRIBUTES: Readonly<
  Record<string, readonly [string, 'int' | 'float' | 'boolean' | 'string']>
> = {
  Id: ['mysql.thread_id', 'int'],
  Thread_id: ['mysql.thread_id', 'int'],
  // Cloud SQL for MySQL writes "thread_id: N  server_id: N" on the User@Host line.
  thread_id: ['mysql.thread_id', 'int'],
  Schema: ['mysql.slowlog.schema', 'string'],
  Last_errno: ['mysql.slowlog.last_errno', 'string'],
  Errno: ['mysql.slowlog.last_errno', 'string'],
  Killed: ['mysql.slowlog.killed', 'string'],
  QC_hit: ['mysql.slowlog.query_cache_hit', 'boolean'],
  QC_Hit: ['mysql.slowlog.query_cache_hit', 'boolean'],
  Lock_time: ['mysql.slowlog.lock_time.sec', 'float'],
  Rows_sent: ['mysql.slowlog.rows_sent', 'int'],
  Rows_examined: ['mysql.slowlog.rows_examined', 'int'],
  Rows_affected: ['mysql.slowlog.rows_affected', 'int'],
  Bytes_received: ['mysql.slowlog.bytes_received', 'int'],
  Bytes_sent: ['mysql.slowlog.bytes_sent', 'int'],
  Read_first: ['mysql.slowlog.read_first', 'int'],
  Read_last: ['mysql.slowlog.read_last', 'int'],
  Read_key: ['mysql.slowlog.read_key', 'int'],
  Read_next: ['mysql.slowlog.read_next', 'int'],
  Read_prev: ['mysql.slowlog.read_prev', 'int'],
  Read_rnd: ['mysql.slowlog.read_rnd', 'int'],
  Read_rnd_next: ['mysql.slowlog.read_rnd_next', 'int'],
  Sort_merge_passes: ['mysql.slowlog.sort_merge_passes', 'int'],
  Sort_range_count: ['mysql.slowlog.sort_range_count', 'int'],
  Sort_rows: ['mysql.slowlog.sort_rows', 'int'],
  Sort_scan_count: ['mysql.slowlog.sort_scan_count', 'int'],
  Created_tmp_disk_tables: ['mysql.slowlog.tmp_disk_tables', 'int'],
  Created_tmp_tables: ['mysql.slowlog.tmp_tables', 'int'],
  Tmp_tables: ['mysql.slowlog.tmp_tables', 'int'],
  Tmp_disk_tables: ['mysql.slowlog.tmp_disk_tables', 'int'],
  Tmp_table_sizes: ['mysql.slowlog.tmp_table_sizes', 'int'],
  Start: ['event.start', 'string'],
  End: ['event.end', 'string'],
  InnoDB_trx_id: ['mysql.slowlog.innodb.trx_id', 'string'],
  Full_scan: ['mysql.slowlog.full_scan', 'boolean'],
  Full_join: ['mysql.slowlog.full_join', 'boolean'],
  Tmp_table: ['mysql.slowlog.tmp_table', 'boolean'],
  Tmp_table_on_disk: ['mysql.slowlog.tmp_table_on_disk', 'boolean'],
  Filesort: ['mysql.slowlog.filesort', 'boolean'],
  Filesort_on_disk: ['mysql.slowlog.filesort_on_disk', 'boolean'],
  Merge_passes: ['mysql.slowlog.merge_passes', 'int'],
  Priority_queue: ['mysql.slowlog.priority_queue', 'boolean'],
  InnoDB_IO_r_ops: ['mysql.slowlog.innodb.io_r_ops', 'int'],
  InnoDB_IO_r_bytes: ['mysql.slowlog.innodb.io_r_bytes', 'int'],
  InnoDB_IO_r_wait: ['mysql.slowlog.innodb.io_r_wait.sec', 'float'],
  InnoDB_rec_lock_wait: ['mysql.slowlog.innodb.rec_lock_wait.sec', 'float'],
  InnoDB_queue_wait: ['mysql.slowlog.innodb.queue_wait.sec', 'float'],
  InnoDB_pages_distinct: ['mysql.slowlog.innodb.pages_distinct', 'int'],
  Log_slow_rate_type: ['mysql.slowlog.log_slow_rate_type', 'string'],
  Log_slow_rate_limit: ['mysql.slowlog.log_slow_rate_limit', 'int'],
};

const ATTRIBUTES = '_mysql.attributes';
const PAIRS = '_mysql.pairs';
const DURATION = '_mysql.duration';

const slowlogAttributeSteps: ProcessorSpec[] = [
  // The User@Host remainder ("  Id: 42") and the header lines, minus MariaDB's explain rows.
  {
    mutate: [
      { gsub: [[ATTRIBUTES, '(?:^|\\n)# explain:[^\\n]*', '']] },
      // "Key: value" -> "Key=value"; a key with an empty value ("Schema:   QC_hit: No")
      // is left as it is, and kv skips it.
      {
        gsub: [
          [ATTRIBUTES, '\\b([A-Za-z][A-Za-z0-9_]*): +((?![A-Za-z][A-Za-z0-9_]*:(?:\\s|$))[^\\s#]+)', '$1=$2'],
        ],
      },
    ],
  },
  {
    kv: {
      field: ATTRIBUTES,
      field_split: ' \t\n#',
      value_split: '=',
      target: PAIRS,
      include_keys: ['Query_time', ...Object.keys(SLOWLOG_ATTRIBUTES)],
      allow_duplicate_values: false,
    },
  },
  // Query_time in seconds with microseconds becomes event.duration in nanoseconds, exactly:
  // "2.000123" -> "2.000123000000" -> "2000123" + "000".
  {
    mutate: [
      { copy: { [`${PAIRS}.Query_time`]: DURATION } },
      {
        gsub: [
          [DURATION, '^(?<s>[0-9]+)(?:\\.(?<f>[0-9]*))?$', '$<s>.$<f>000000'],
          [DURATION, '^(?<s>[0-9]+)\\.(?<f>[0-9]{6})[0-9]*$', '$<s>$<f>000'],
        ],
      },
      { convert: { [DURATION]: 'int' } },
      { rename: { [DURATION]: 'event.duration' } },
    ],
    if: { exists: `${PAIRS}.Query_time` },
  },
  // Field names and types: a value that does not convert keeps its text and tags the event.
  {
    mutate: [
      {
        rename: Object.fromEntries(
          Object.entries(SLOWLOG_ATTRIBUTES).map(([key, [field]]) => [`${PAIRS}.${key}`, field]),
        ),
      },
      {
        convert: Object.fromEntries(
          Object.values(SLOWLOG_ATTRIBUTES)
            .filter(([, type]) => type !== 'string')
            .map(([field, type]) => [field, type]),
        ),
      },
    ],
  },
];

/** MySQL slow query log: one event per entry, "# User@Host:" to the statement, every vendor's attributes. */
export const mysqlSlowlog: ModuleDefinition = {
  name: 'mysql.slowlog',
  description:
    'MySQL/MariaDB/Percona slow log: user, source, event.duration (ns), rows, InnoDB stats, the query',
  steps: [
    // As Filebeat excludes them: a "# Time:" line (an event of its own, see the multi-line
    // rule) and the "mysqld, Version: ... started with:" block a server writes when it opens
    // the file. Its `Time` line does not start an event, so the block that follows an entry
    // after a restart stays at the end of that entry's query, as in Filebeat.
    { drop: {}, if: { field: 'message', matches: '^# Time: |^[^\\n]*, Version: [^\\n]* started with:' } },
    { grok: { patterns: ['%{MYSQL_SLOWLOG}'] } },
    ...slowlogAttributeSteps,
    {
      mutate: { rename: { '_mysql.use': 'mysql.slowlog.schema' } },
      if: { not: { exists: 'mysql.slowlog.schema' } },
    },
    // The statement is in mysql.slowlog.query and the attributes are fields: the raw entry
    // goes, as in Filebeat. An entry the pattern does not fit keeps it for a look.
    { mutate: { remove: ['message'] }, if: { not: { tag: '_grokparsefailure' } } },
    { mutate: { remove: ['_mysql'] } },
    databaseEvent,
    // SET timestamp=N is the query's start in epoch seconds; without it the event keeps its read time.
    ...finish('mysql.slowlog', ['UNIX']),
  ],
  // Filebeat's rule: "# User@Host:" starts an entry, and so does "# Time:" (dropped above).
  multiline: { startPattern: '^(?:# User@Host: |# Time: )' },
};
