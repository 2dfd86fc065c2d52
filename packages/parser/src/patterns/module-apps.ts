/**
 * Application logs, written from each tool's documentation of its default layout:
 * Python's logging (BASIC_FORMAT `%(levelname)s:%(name)s:%(message)s` and the common
 * `%(asctime)s - %(name)s - %(levelname)s - %(message)s`), Ruby's Logger and Rails'
 * request lines (ActionController::LogSubscriber), and the MySQL server's error log
 * (5.7 and 8.0 layouts, and the older `yymmdd hh:mm:ss` one) and slow query log.
 */
export const appModulePatterns: Readonly<Record<string, string>> = {
  // Any text including line breaks, for events joined from several lines.
  GREEDYMULTILINE: String.raw`[\s\S]*`,
  PYTHON_LEVEL: String.raw`CRITICAL|FATAL|ERROR|WARNING|WARN|INFO|DEBUG|NOTSET`,
  PYTHON_LOGGER: String.raw`[^\s:]+`,
  // asctime is "2024-01-15 10:23:45,123"
  PYTHON_ASCTIME_LOG: String.raw`^%{TIMESTAMP_ISO8601:timestamp} - %{PYTHON_LOGGER:[log][logger]} - %{PYTHON_LEVEL:[log][level]} - %{GREEDYMULTILINE:message}`,
  PYTHON_BASIC_LOG: String.raw`^%{PYTHON_LEVEL:[log][level]}:%{PYTHON_LOGGER:[log][logger]}:%{GREEDYMULTILINE:message}`,
  // The last line of a traceback: "ValueError: invalid literal for int() with base 10: 'x'"
  PYTHON_TRACEBACK: String.raw`\nTraceback \(most recent call last\):\n(?<[error][stack_trace]>[\s\S]*\n)(?<[error][type]>[A-Za-z_][\w.]*)(?:: %{GREEDYDATA:[error][message]})?$`,

  // Ruby Logger: "I, [2024-01-15T10:23:45.123456 #1234]  INFO -- : message"
  RUBY_LOGGER_PREFIX: String.raw`[DIWEFU], \[%{TIMESTAMP_ISO8601:timestamp} #%{POSINT:[process][pid]:int}\] *%{LOGLEVEL:[log][level]} -- %{DATA:[log][logger]}: `,
  RAILS_REQUEST_ID: String.raw`\[%{NOTSPACE:[http][request][id]}\] `,
  RAILS_STARTED: String.raw`Started %{WORD:[http][request][method]} "%{DATA:[url][original]}" for %{IPORHOST:[source][address]} at %{TIMESTAMP_ISO8601:timestamp}(?: %{ISO8601_TIMEZONE})?`,
  RAILS_PROCESSING: String.raw`Processing by %{NOTSPACE:[rails][controller]}#%{WORD:[rails][action]} as %{NOTSPACE:[rails][format]}`,
  RAILS_COMPLETED: String.raw`Completed %{INT:[http][response][status_code]:int} (?<[http][response][status_phrase]>[^(]*?) in %{NUMBER:[rails][duration][total_ms]:float}ms(?: \((?:Views: %{NUMBER:[rails][duration][views_ms]:float}ms \| )?(?:ActiveRecord: %{NUMBER:[rails][duration][db_ms]:float}ms)?[^)]*\))?`,
  RAILS_LINE: String.raw`^(?:%{RUBY_LOGGER_PREFIX})?(?:%{RAILS_REQUEST_ID})*(?:%{RAILS_STARTED}|%{RAILS_PROCESSING}|%{RAILS_COMPLETED}|%{GREEDYDATA:message})$`,

  // 8.0: "2024-01-15T10:23:45.123456Z 0 [Warning] [MY-010068] [Server] message"
  // 5.7: "2024-01-15T10:23:45.123456Z 0 [Note] message"; 5.5/5.6: "240115 10:23:45 [Note] message"
  MYSQL_ERROR_TIME: String.raw`%{TIMESTAMP_ISO8601}|[0-9]{6} +%{TIME}`,
  MYSQL_ERROR_LINE: String.raw`^%{MYSQL_ERROR_TIME:timestamp} (?:%{NONNEGINT:[mysql][thread_id]:int} )?\[%{WORD:[log][level]}\] (?:\[%{NOTSPACE:[error][code]}\] \[%{WORD:[mysql][error][subsystem]}\] )?%{GREEDYMULTILINE:message}`,
  // Slow log entry header lines; SET timestamp= carries the epoch seconds of the query start.
  MYSQL_SLOWLOG_USER: String.raw`# User@Host: %{USERNAME:[user][name]}(?:\[[^\]]*\])? @ (?:%{IPORHOST:[source][domain]})? \[(?:%{IP:[source][ip]})?\](?:\s+Id:\s+%{NONNEGINT:[mysql][thread_id]:int})?`,
  MYSQL_SLOWLOG_STATS: String.raw`# Query_time: %{NUMBER:[mysql][slowlog][query_time][sec]:float}\s+Lock_time: %{NUMBER:[mysql][slowlog][lock_time][sec]:float}\s+Rows_sent: %{NONNEGINT:[mysql][slowlog][rows_sent]:int}\s+Rows_examined: %{NONNEGINT:[mysql][slowlog][rows_examined]:int}`,
  MYSQL_SLOWLOG: String.raw`^(?:# Time: %{TIMESTAMP_ISO8601:timestamp}\n)?%{MYSQL_SLOWLOG_USER}\n%{MYSQL_SLOWLOG_STATS}[^\n]*\n(?:use %{NOTSPACE:[mysql][slowlog][schema]};\n)?(?:SET timestamp=%{NONNEGINT:[mysql][slowlog][timestamp]:int};\n)?%{GREEDYMULTILINE:[mysql][slowlog][query]}`,
};
