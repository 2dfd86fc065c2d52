import type { PatternFile } from './library.js';

/**
 * Logstash's `java` file: stack trace lines (`\tat pkg.Class.method(File.java:42)`, with
 * `Native Method` / `Unknown Source` in place of a file) and Tomcat/Catalina logs. The ECS
 * file knows the Tomcat 7 (`Jan 9, 2014 7:13:13 AM`) and Tomcat 8.5/9 (`31-Jul-2020
 * 16:40:38.578`) layouts; the legacy file only the older ones, with a two-digit century
 * written out ("20%{YEAR}").
 */
export const javaPatterns: PatternFile = {
  name: 'java',
  shared: {
    JAVACLASS: String.raw`(?:[a-zA-Z$_][a-zA-Z$_0-9]*\.)*[a-zA-Z$_][a-zA-Z$_0-9]*`,
    // A space is allowed for "Native Method" and "Unknown Source".
    JAVAFILE: '(?:[a-zA-Z$_0-9. -]+)',
    // Constructors and static initialisers appear as <init> and <clinit>.
    JAVAMETHOD: '(?:<(?:cl)?init>|[a-zA-Z$_][a-zA-Z$_0-9]*)',
    JAVATHREAD: String.raw`(?:[A-Z]{2}-Processor\d+)`,
    JAVALOGMESSAGE: '(?:.*)',
  },
  ecs: {
    JAVASTACKTRACEPART: String.raw`%{SPACE}at %{JAVACLASS:[java][log][origin][class][name]}\.%{JAVAMETHOD:[log][origin][function]}\(%{JAVAFILE:[log][origin][file][name]}(?::%{INT:[log][origin][file][line]:int})?\)`,
    // Tomcat 4.1 to 7: "Jan 9, 2014 7:13:13 AM".
    CATALINA7_DATESTAMP: '%{MONTH} %{MONTHDAY}, %{YEAR} %{HOUR}:%{MINUTE}:%{SECOND} (?:AM|PM)',
    CATALINA7_LOG: String.raw`%{CATALINA7_DATESTAMP:timestamp} %{JAVACLASS:[java][log][origin][class][name]}(?: %{JAVAMETHOD:[log][origin][function]})?\s*(?:%{LOGLEVEL:[log][level]}:)? %{JAVALOGMESSAGE:message}`,
    // Tomcat 8.5 and 9: "31-Jul-2020 16:40:38.578".
    CATALINA8_DATESTAMP: '%{MONTHDAY}-%{MONTH}-%{YEAR} %{HOUR}:%{MINUTE}:%{SECOND}',
    CATALINA8_LOG: String.raw`%{CATALINA8_DATESTAMP:timestamp} %{LOGLEVEL:[log][level]} \[%{DATA:[java][log][origin][thread][name]}\] %{JAVACLASS:[java][log][origin][class][name]}\.(?:%{JAVAMETHOD:[log][origin][function]})? %{JAVALOGMESSAGE:message}`,
    CATALINA_DATESTAMP: '(?:%{CATALINA8_DATESTAMP})|(?:%{CATALINA7_DATESTAMP})',
    CATALINALOG: '(?:%{CATALINA8_LOG})|(?:%{CATALINA7_LOG})',
    TOMCAT7_LOG: '%{CATALINA7_LOG}',
    TOMCAT8_LOG: '%{CATALINA8_LOG}',
    // "2014-01-09 17:32:25,527 -0800 | ERROR | com.example.Service - message"
    TOMCATLEGACY_DATESTAMP:
      '%{YEAR}-%{MONTHNUM}-%{MONTHDAY} %{HOUR}:%{MINUTE}:%{SECOND}(?: %{ISO8601_TIMEZONE})?',
    TOMCATLEGACY_LOG: String.raw`%{TOMCATLEGACY_DATESTAMP:timestamp} \| %{LOGLEVEL:[log][level]} \| %{JAVACLASS:[java][log][origin][class][name]} - %{JAVALOGMESSAGE:message}`,
    TOMCAT_DATESTAMP: '(?:%{CATALINA8_DATESTAMP})|(?:%{CATALINA7_DATESTAMP})|(?:%{TOMCATLEGACY_DATESTAMP})',
    TOMCATLOG: '(?:%{TOMCAT8_LOG})|(?:%{TOMCAT7_LOG})|(?:%{TOMCATLEGACY_LOG})',
  },
  legacy: {
    JAVASTACKTRACEPART: String.raw`%{SPACE}at %{JAVACLASS:class}\.%{JAVAMETHOD:method}\(%{JAVAFILE:file}(?::%{NUMBER:line})?\)`,
    CATALINA_DATESTAMP: '%{MONTH} %{MONTHDAY}, 20%{YEAR} %{HOUR}:?%{MINUTE}(?::?%{SECOND}) (?:AM|PM)',
    TOMCAT_DATESTAMP:
      '20%{YEAR}-%{MONTHNUM}-%{MONTHDAY} %{HOUR}:?%{MINUTE}(?::?%{SECOND}) %{ISO8601_TIMEZONE}',
    CATALINALOG: '%{CATALINA_DATESTAMP:timestamp} %{JAVACLASS:class} %{JAVALOGMESSAGE:logmessage}',
    TOMCATLOG: String.raw`%{TOMCAT_DATESTAMP:timestamp} \| %{LOGLEVEL:level} \| %{JAVACLASS:class} - %{JAVALOGMESSAGE:logmessage}`,
  },
};
