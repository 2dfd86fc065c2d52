/**
 * Application logs, written from each tool's documentation of its default layout:
 * Python's logging (BASIC_FORMAT `%(levelname)s:%(name)s:%(message)s` and the common
 * `%(asctime)s - %(name)s - %(levelname)s - %(message)s`), Ruby's Logger and Rails'
 * request lines (ActionController::LogSubscriber). MySQL's are in module-mysql.ts.
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
  RAILS_STARTED_FOR: String.raw`Started %{WORD:[http][request][method]} "%{DATA:[url][original]}" for %{IPORHOST:[source][address]} at `,
  RAILS_STARTED: String.raw`%{RAILS_STARTED_FOR}%{TIMESTAMP_ISO8601:timestamp}(?: %{ISO8601_TIMEZONE})?`,
  RAILS_PROCESSING: String.raw`Processing by %{NOTSPACE:[rails][controller]}#%{WORD:[rails][action]} as %{NOTSPACE:[rails][format]}`,
  RAILS_COMPLETED: String.raw`Completed %{INT:[http][response][status_code]:int} (?<[http][response][status_phrase]>[^(]*?) in %{NUMBER:[rails][duration][total_ms]:float}ms(?: \((?:Views: %{NUMBER:[rails][duration][views_ms]:float}ms \| )?(?:ActiveRecord: %{NUMBER:[rails][duration][db_ms]:float}ms)?[^)]*\))?`,
  // After a Logger prefix the prefix's time (with microseconds) is the event's; the Started
  // line's own time is then matched but not captured, since a second capture of a field
  // would make it a list (Logstash's rule for a field captured twice).
  RAILS_BODY: String.raw`(?:%{RAILS_REQUEST_ID})*(?:%{RAILS_STARTED}|%{RAILS_PROCESSING}|%{RAILS_COMPLETED}|%{GREEDYDATA:message})`,
  RAILS_PREFIXED_BODY: String.raw`(?:%{RAILS_REQUEST_ID})*(?:%{RAILS_STARTED_FOR}%{TIMESTAMP_ISO8601}(?: %{ISO8601_TIMEZONE})?|%{RAILS_PROCESSING}|%{RAILS_COMPLETED}|%{GREEDYDATA:message})`,
  RAILS_LINE: String.raw`^(?:%{RUBY_LOGGER_PREFIX}%{RAILS_PREFIXED_BODY}|%{RAILS_BODY})$`,
};
