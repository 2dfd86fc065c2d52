/**
 * Patterns of the mysql.error and mysql.slowlog modules, written from the MySQL, MariaDB
 * and Percona Server documentation of their log layouts, with the field names of
 * Filebeat's mysql module (its ingest pipelines are the reference for what is extracted).
 *
 * Error log, one entry per line, continuation lines joined by the module's multi-line rule:
 *   5.5 / 5.6 / MariaDB 5.5-10.0:  "150101 12:00:00 [Note] msg", "150101  9:02:03 InnoDB: msg",
 *                                  "150101 12:00:00 mysqld_safe Starting mysqld daemon ..."
 *   5.6:                           "2015-01-01 12:00:00 1234 [Note] msg"
 *   MariaDB 10.1+:                 "2024-01-15 10:23:45 0 [Note] msg"
 *   5.7:                           "2024-01-15T10:23:45.123456Z 0 [Note] msg" (or +01:00)
 *   8.0:                           "2024-01-15T10:23:45.123456Z 0 [Warning] [MY-010068] [Server] msg"
 *
 * Slow log, one entry from "# User@Host:" to the statement (see modules/mysql.ts).
 */
export const mysqlModulePatterns: Readonly<Record<string, string>> = {
  // Seconds are required: "at 12:00" inside a message is no timestamp.
  MYSQL_TIME: String.raw`(?<![0-9])(?:2[0-3]|[01]?[0-9]):[0-5][0-9]:(?:[0-5]?[0-9]|60)(?:[.,][0-9]+)?(?![0-9])`,
  // Local time without a zone: "150101 12:00:00", "150101  9:02:03", "2015-01-01 12:00:00".
  MYSQL_LOCAL_DATETIME: String.raw`(?:[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{6})[ \t]+%{MYSQL_TIME}`,
  // ISO 8601 first, so that an offset after a space-separated time ("2024-01-15 10:23:45+00:00",
  // the docker entrypoint's lines) stays part of the timestamp.
  MYSQL_ERROR_TIME: String.raw`%{TIMESTAMP_ISO8601}|%{MYSQL_LOCAL_DATETIME}`,
  // The thread id is a decimal number followed by blanks: "2016-12-09 22:21:02 7f9b4b7fe700
  // InnoDB: ..." (5.6's hexadecimal thread handle) keeps the handle in the message.
  MYSQL_ERROR_HEADER: String.raw`%{MYSQL_ERROR_TIME:timestamp}\s*(?:%{NONNEGINT:[mysql][thread_id]:int}\s+)?(?:\[(?<[log][level]>[^\]\n]*)\]\s*)?`,
  MYSQL_ERROR_LINE: String.raw`^%{MYSQL_ERROR_HEADER}(?<message>[\s\S]+)$`,
  // 8.0 puts the error code and the subsystem first; the message keeps them, as Filebeat's does.
  MYSQL_ERROR_CODE: String.raw`^\[(?<[event][code]>[^\]\n]*)\]\s*\[(?<[event][provider]>[^\]\n]*)\]`,
  // Messages that name a user or a client address.
  MYSQL_ERROR_ACCESS_DENIED: String.raw`Access denied for user '(?<[user][name]>[^'\n]*)'@'(?:%{IP:[source][ip]}|(?<[source][domain]>[^'\n]+))'`,
  MYSQL_ERROR_FORCING_CLOSE: String.raw`Forcing close of thread %{NONNEGINT}\s+user: '(?<[user][name]>[^'\n]*)'`,
  MYSQL_ERROR_UNRESOLVED_IP: String.raw`IP address '%{IP:[source][ip]}' could not be resolved`,

  // "# User@Host: app[app] @ web-1 [10.0.0.5]  Id:    42"; the host or the address may be
  // empty ("@ localhost []", "@  [10.0.0.5]"); Cloud SQL writes "[cloudsqlproxy~10.0.0.5]".
  MYSQL_SLOWLOG_USER_HOST: String.raw`# User@Host: (?<[user][name]>[^\s\[]+)?(?:\[(?<[mysql][slowlog][current_user]>[^\]\s]+)?\])? @ (?:%{HOSTNAME:[source][domain]})? *\[(?:[^\]~\n]*~)?(?:%{IP:[source][ip]})?[^\]\n]*\]`,
  // The rest of the User@Host line and the "# Key: value" lines after it (any order, any
  // vendor), then "use db;", "SET timestamp=N;" and the statement.
  MYSQL_SLOWLOG: String.raw`^%{MYSQL_SLOWLOG_USER_HOST}(?<[_mysql][attributes]>[^\n]*\n(?:#[^\n]*\n)*)(?:use (?<[_mysql][use]>\S+);\n)?(?:SET timestamp=%{NONNEGINT:timestamp};\n)?(?<[mysql][slowlog][query]>[\s\S]*)$`,
};
