/**
 * Java, written from the Java Language Specification (identifiers, binary class names with
 * `$` for nested classes), the format of Throwable.printStackTrace (`\tat pkg.Class.method(File.java:42)`,
 * `Caused by: ...`, `... 12 more`) and log4j/logback's default layouts.
 */
export const javaPatterns: Readonly<Record<string, string>> = {
  JAVAIDENTIFIER: String.raw`[a-zA-Z$_][a-zA-Z$_0-9]*`,
  JAVACLASS: String.raw`(?:%{JAVAIDENTIFIER}\.)*%{JAVAIDENTIFIER}`,
  JAVAFILE: String.raw`[a-zA-Z$_0-9. -]+`,
  JAVAMETHOD: String.raw`<(?:cl)?init>|%{JAVAIDENTIFIER}`,
  JAVASTACKTRACEPART: String.raw`%{SPACE}at %{JAVACLASS:[java][log][origin][class][name]}\.%{JAVAMETHOD:[log][origin][function]}\((?:%{JAVAFILE:[log][origin][file][name]}(?::%{INT:[log][origin][file][line]:int})?|Native Method|Unknown Source)\)`,
  JAVACAUSEDBY: String.raw`Caused by: %{JAVACLASS:[error][type]}(?:: %{GREEDYDATA:[error][message]})?`,
  JAVATHREAD: String.raw`[^\]]+`,
  JAVALOGMESSAGE: String.raw`.*`,
  // log4j/logback "%d %-5p [%t] %c - %m%n" and "%d [%t] %-5level %logger{36} - %msg%n"
  JAVA_LOG4J: String.raw`%{TIMESTAMP_ISO8601:timestamp} +%{LOGLEVEL:[log][level]} +\[%{JAVATHREAD:[process][thread][name]}\] +%{JAVACLASS:[log][logger]}(?: +-|:) %{GREEDYDATA:message}`,
  JAVA_LOGBACK: String.raw`%{TIMESTAMP_ISO8601:timestamp} +\[%{JAVATHREAD:[process][thread][name]}\] +%{LOGLEVEL:[log][level]} +%{JAVACLASS:[log][logger]} +- %{GREEDYDATA:message}`,
};
