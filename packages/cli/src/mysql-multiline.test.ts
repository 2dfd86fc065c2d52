import { type LogEvent, recordId } from '@sluice/core';
import { createPipeline, modules } from '@sluice/parser';
import { joinerFactory, type Line, LineSplitter, multilineFromModule } from '@sluice/shipper';
import { describe, expect, test } from 'vitest';

/**
 * Whole MySQL log files (several server versions and vendors, continuation lines) cut into
 * events the way `sluice ship` does: bytes -> LineSplitter -> the module's multi-line rule
 * in the shipper's joiner -> the module's pipeline. The boundaries must be Filebeat's for
 * the same file: one event per entry, starting at the entry's first byte.
 */

function join(module: string, text: string): Line[] {
  const rule = modules[module]?.multiline;
  if (!rule) throw new Error(`${module} has no multi-line rule`);
  const joiner = joinerFactory(multilineFromModule(rule))();
  const events: Line[] = [];
  for (const line of new LineSplitter().push(Buffer.from(text))) events.push(...joiner.push(line, 0));
  const last = joiner.flush();
  if (last) events.push(last);
  return events;
}

async function parse(module: string, events: Line[]): Promise<(LogEvent | null)[]> {
  const run = await createPipeline({ module });
  return events.map((e, n) => {
    const out = run({
      id: recordId('file', n),
      line: e.text,
      source: 'file',
      offset: e.offset,
      format: 'raw',
      origin: 'file',
    });
    return out[0] ?? null;
  });
}

/** Where each event starts in the file and how many lines it holds. */
function boundaries(text: string, events: Line[]): [string, number][] {
  const bytes = Buffer.from(text);
  return events.map((e) => {
    const first = bytes.subarray(e.offset, bytes.indexOf(10, e.offset)).toString();
    return [first.slice(0, 40), e.lines];
  });
}

const ERROR_LOG = `InnoDB: Doublewrite buffer created
InnoDB: 127 rollback segment(s) active.
161209 14:18:50 [Warning] Using unique option prefix myisam-recover instead of myisam-recover-options is deprecated.
161209 14:18:50  InnoDB: Setting file ./ibdata1 size to 10 MB
InnoDB: Database physically writes the file full: wait...
161209 14:18:53 [ERROR] Aborting

161209 14:18:58 [Note] /usr/sbin/mysqld: ready for connections.
Version: '5.5.53-0ubuntu0.12.04.1-log'  socket: '/var/run/mysqld/mysqld.sock'  port: 3306  (Ubuntu)
160430  5:34:05 [Warning] /usr/sbin/mysqld: Forcing close of thread 855  user: 'mythtv'
240115 10:23:45 mysqld_safe Starting mysqld daemon with databases from /var/lib/mysql
2015-01-01 12:00:00 1234 [Note] InnoDB: Completed initialization of buffer pool
2016-12-09 22:21:02 7f9b4b7fe700 InnoDB: Error: page 4 log sequence number 2498872
InnoDB: is in the future! Current system log sequence number 1595685.
2020-01-27T17:20:35.463747Z 54 [Note] InnoDB: Transactions deadlock detected, dumping detailed information.
*** (1) TRANSACTION:
TRANSACTION 421506, ACTIVE 0 sec starting index read
2024-01-15T10:23:45.123456+01:00 8 [Note] Aborted connection 8 to db: 'shop' user: 'app' host: '10.0.0.5'
2019-10-16 17:24:15 0 [Note] InnoDB: Using Linux native AIO
2021-03-02T08:15:11.091833Z 0 [Note] InnoDB: Buffer pool(s) load completed at 210302  8:15:11
08:15:40 UTC - mysqld got signal 11 ;
This could be because you hit a bug.
key_buffer_size=16777216
/usr/sbin/mysqld(my_print_stacktrace+0x3b)[0x55d5c1e5fc8b]
2024-01-15T10:24:02.000417Z 0 [ERROR] [MY-012592] [InnoDB] Operating system error number 2 in a file operation.
2024-01-15T10:24:03.000001Z 0 [System] [MY-010931] [Server] /usr/sbin/mysqld: ready for connections. Version: '8.0.36'
`;

const SLOW_LOG = `/usr/sbin/mysqld, Version: 5.7.44-log (MySQL Community Server (GPL)). started with:
Tcp port: 3306  Unix socket: /var/run/mysqld/mysqld.sock
Time                 Id Command    Argument
# Time: 161209 14:37:59
# User@Host: debian-sys-maint[debian-sys-maint] @ localhost []
# Query_time: 0.000153  Lock_time: 0.000061 Rows_sent: 1  Rows_examined: 5
SET timestamp=1481294279;
SELECT count(*) FROM mysql.user WHERE user='root' and password='';
# User@Host: debian-sys-maint[debian-sys-maint] @ localhost []
# Query_time: 0.002456  Lock_time: 0.000095 Rows_sent: 31  Rows_examined: 81
SET timestamp=1481294279;
select concat('select count(*) into @discard from \`',
                    TABLE_SCHEMA, '\`.\`', TABLE_NAME, '\`')
      from information_schema.TABLES where ENGINE='MyISAM';
# Time: 2018-08-07T16:27:47.169604+08:00
# User@Host: root[root] @  [218.76.8.37]  Id:  7234
# Query_time: 15.000223  Lock_time: 0.000000 Rows_sent: 1  Rows_examined: 0
SET timestamp=1533630467;
select sleep(15);
/usr/sbin/mysqld, Version: 10.3.13-MariaDB-1:10.3.13+maria~bionic-log (mariadb.org binary distribution). started with:
Tcp port: 3306  Unix socket: /var/run/mysqld/mysqld.sock
Time		    Id Command	Argument
# Time: 190324 16:03:00
# User@Host: root[root] @ localhost []
# Thread_id: 37  Schema: employees  QC_hit: No
# Query_time: 2.461578  Lock_time: 0.000196  Rows_sent: 10  Rows_examined: 3145718
# Rows_affected: 0  Bytes_sent: 319
# Full_scan: Yes  Full_join: No  Tmp_table: Yes  Tmp_table_on_disk: No
use employees;
SET timestamp=1553443380;
SELECT last_name, MAX(salary) AS salary FROM employees
    LIMIT 10;
# Time: 2019-01-21T09:15:36.487710Z
# User@Host: test[test] @  [192.168.123.123]  Id: 14370752
# Schema: test  Last_errno: 3170  Killed: 0
# Query_time: 153.883481  Lock_time: 0.024022  Rows_sent: 0  Rows_examined: 120309968  Rows_affected: 19198
# InnoDB_trx_id: 69BB9C7F9
#   InnoDB_IO_r_ops: 9744  InnoDB_IO_r_bytes: 79822848  InnoDB_IO_r_wait: 0.883446
#   InnoDB_pages_distinct: 64872
SET timestamp=1548062136;
UPDATE test SET state = 'NOT_RELEVANT' WHERE id IN (1, 2);
`;

describe('mysql.error: a file is cut where Filebeat cuts it', () => {
  test('one event per timestamped entry, continuation lines joined', async () => {
    const events = join('mysql.error', ERROR_LOG);
    expect(boundaries(ERROR_LOG, events)).toEqual([
      // A file read from the middle starts with the tail of an entry: it stays one event.
      ['InnoDB: Doublewrite buffer created', 2],
      ['161209 14:18:50 [Warning] Using unique o', 1],
      ['161209 14:18:50  InnoDB: Setting file ./', 2],
      ['161209 14:18:53 [ERROR] Aborting', 2],
      ['161209 14:18:58 [Note] /usr/sbin/mysqld:', 2],
      ['160430  5:34:05 [Warning] /usr/sbin/mysq', 1],
      ['240115 10:23:45 mysqld_safe Starting mys', 1],
      ['2015-01-01 12:00:00 1234 [Note] InnoDB: ', 1],
      ['2016-12-09 22:21:02 7f9b4b7fe700 InnoDB:', 2],
      ['2020-01-27T17:20:35.463747Z 54 [Note] In', 3],
      ['2024-01-15T10:23:45.123456+01:00 8 [Note', 1],
      ['2019-10-16 17:24:15 0 [Note] InnoDB: Usi', 1],
      // A crash report's lines carry no date (or a time only): they belong to the entry before.
      ['2021-03-02T08:15:11.091833Z 0 [Note] Inn', 5],
      ['2024-01-15T10:24:02.000417Z 0 [ERROR] [M', 1],
      ['2024-01-15T10:24:03.000001Z 0 [System] [', 1],
    ]);

    const parsed = await parse('mysql.error', events);
    const summary = parsed.map((e) => [
      e?.['@timestamp'] === undefined ? null : String(e['@timestamp']).slice(0, 19),
      (e?.log as { level?: string } | undefined)?.level ?? null,
      (e?.mysql as { thread_id?: number } | undefined)?.thread_id ?? null,
    ]);
    expect(summary.slice(1)).toEqual([
      ['2016-12-09T14:18:50', 'Warning', null],
      ['2016-12-09T14:18:50', null, null],
      ['2016-12-09T14:18:53', 'ERROR', null],
      ['2016-12-09T14:18:58', 'Note', null],
      ['2016-04-30T05:34:05', 'Warning', null],
      ['2024-01-15T10:23:45', null, null],
      ['2015-01-01T12:00:00', 'Note', 1234],
      ['2016-12-09T22:21:02', null, null],
      ['2020-01-27T17:20:35', 'Note', 54],
      ['2024-01-15T09:23:45', 'Note', 8],
      ['2019-10-16T17:24:15', 'Note', 0],
      ['2021-03-02T08:15:11', 'Note', 0],
      ['2024-01-15T10:24:02', 'ERROR', 0],
      ['2024-01-15T10:24:03', 'System', 0],
    ]);
    // The leading fragment keeps its text; nothing in it is a date.
    expect(parsed[0]?.message).toBe(
      'InnoDB: Doublewrite buffer created\nInnoDB: 127 rollback segment(s) active.',
    );
    expect(parsed[12]?.message).toMatch(
      /\n08:15:40 UTC - mysqld got signal 11 ;\n[\s\S]*my_print_stacktrace/,
    );
  });
});

describe('mysql.slowlog: a file is cut where Filebeat cuts it', () => {
  test('an entry starts at "# User@Host:"; "# Time:" lines and the opening header are dropped', async () => {
    const events = join('mysql.slowlog', SLOW_LOG);
    expect(boundaries(SLOW_LOG, events)).toEqual([
      ['/usr/sbin/mysqld, Version: 5.7.44-log (M', 3],
      ['# Time: 161209 14:37:59', 1],
      ['# User@Host: debian-sys-maint[debian-sys', 4],
      // MySQL 5.5 writes "# Time:" only when the second changes: this entry has none.
      ['# User@Host: debian-sys-maint[debian-sys', 6],
      ['# Time: 2018-08-07T16:27:47.169604+08:00', 1],
      // A restart's header block follows the entry before it, as with Filebeat.
      ['# User@Host: root[root] @  [218.76.8.37]', 7],
      ['# Time: 190324 16:03:00', 1],
      ['# User@Host: root[root] @ localhost []', 9],
      ['# Time: 2019-01-21T09:15:36.487710Z', 1],
      ['# User@Host: test[test] @  [192.168.123.', 8],
    ]);
    // Every entry's first byte is where its "# User@Host:" line is in the file.
    const userHostOffsets = [...SLOW_LOG.matchAll(/^# User@Host: /gm)].map((m) =>
      Buffer.byteLength(SLOW_LOG.slice(0, m.index)),
    );
    expect(events.filter((e) => e.text.startsWith('# User@Host: ')).map((e) => e.offset)).toEqual(
      userHostOffsets,
    );

    const parsed = (await parse('mysql.slowlog', events)).filter((e) => e !== null);
    expect(parsed).toHaveLength(5);
    const summary = parsed.map((e) => {
      const mysql = e.mysql as { slowlog: { query: string; schema?: string } };
      return [
        (e.user as { name: string }).name,
        (e.event as { duration: number }).duration,
        e['@timestamp'],
        mysql.slowlog.schema ?? null,
        mysql.slowlog.query.split('\n')[0],
      ];
    });
    expect(summary).toEqual([
      [
        'debian-sys-maint',
        153000,
        '2016-12-09T14:37:59.000Z',
        null,
        "SELECT count(*) FROM mysql.user WHERE user='root' and password='';",
      ],
      [
        'debian-sys-maint',
        2456000,
        '2016-12-09T14:37:59.000Z',
        null,
        "select concat('select count(*) into @discard from `',",
      ],
      ['root', 15000223000, '2018-08-07T08:27:47.000Z', null, 'select sleep(15);'],
      [
        'root',
        2461578000,
        '2019-03-24T16:03:00.000Z',
        'employees',
        'SELECT last_name, MAX(salary) AS salary FROM employees',
      ],
      [
        'test',
        153883481000,
        '2019-01-21T09:15:36.000Z',
        'test',
        "UPDATE test SET state = 'NOT_RELEVANT' WHERE id IN (1, 2);",
      ],
    ]);
    const restarted = parsed[2]?.mysql as { slowlog: { query: string } } | undefined;
    expect(restarted?.slowlog.query).toContain(
      'select sleep(15);\n/usr/sbin/mysqld, Version: 10.3.13-MariaDB',
    );
    for (const e of parsed) expect(e.tags).toBeUndefined();
  });
});
