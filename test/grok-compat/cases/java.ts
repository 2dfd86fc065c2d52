import type { GrokCaseFile } from '../case.js';

export default {
  file: 'java',
  cases: [
    {
      pattern: 'JAVASTACKTRACEPART',
      line: '\tat com.example.orders.OrderService.place(OrderService.java:42)',
      ecs: {
        java: { log: { origin: { class: { name: 'com.example.orders.OrderService' } } } },
        log: { origin: { function: 'place', file: { name: 'OrderService.java', line: 42 } } },
      },
      legacy: {
        class: 'com.example.orders.OrderService',
        method: 'place',
        file: 'OrderService.java',
        line: '42',
      },
    },
    {
      pattern: 'JAVASTACKTRACEPART',
      line: '\tat java.base/jdk.internal.reflect.NativeMethodAccessorImpl.invoke0(Native Method)',
      ecs: null,
      legacy: null,
      note: 'a Java 9+ module prefix ("java.base/") is not a class name: no match',
    },
    {
      pattern: 'JAVASTACKTRACEPART',
      line: '    at org.apache.catalina.core.StandardWrapper.<init>(Unknown Source)',
      ecs: {
        java: { log: { origin: { class: { name: 'org.apache.catalina.core.StandardWrapper' } } } },
        log: { origin: { function: '<init>', file: { name: 'Unknown Source' } } },
      },
      legacy: { class: 'org.apache.catalina.core.StandardWrapper', method: '<init>', file: 'Unknown Source' },
      note: 'constructor, no line number',
    },
    {
      pattern: 'JAVASTACKTRACEPART',
      line: '\tat com.example.Outer$Inner.lambda$run$0(Outer.java:17)',
      ecs: {
        java: { log: { origin: { class: { name: 'com.example.Outer$Inner' } } } },
        log: { origin: { function: 'lambda$run$0', file: { name: 'Outer.java', line: 17 } } },
      },
      legacy: { class: 'com.example.Outer$Inner', method: 'lambda$run$0', file: 'Outer.java', line: '17' },
      note: 'nested class and lambda',
    },
    {
      pattern: 'JAVASTACKTRACEPART',
      line: 'Caused by: java.lang.IllegalStateException: boom',
      ecs: null,
      legacy: null,
    },
    { pattern: 'JAVASTACKTRACEPART', line: '\t... 12 more', ecs: null, legacy: null },
    { pattern: 'JAVACLASS', line: 'com.example.Foo$Bar', ecs: {}, legacy: {} },
    { pattern: 'JAVACLASS', line: '123 456', ecs: null, legacy: null },
    { pattern: 'JAVAFILE', line: 'Foo.java', ecs: {}, legacy: {} },
    { pattern: 'JAVAFILE', line: '()', ecs: null, legacy: null },
    { pattern: 'JAVAMETHOD', line: '<clinit>', ecs: {}, legacy: {} },
    { pattern: 'JAVAMETHOD', line: '123', ecs: null, legacy: null },
    { pattern: 'JAVATHREAD', line: 'TP-Processor12', ecs: {}, legacy: {} },
    {
      pattern: 'JAVATHREAD',
      line: 'http-nio-8080-exec-1',
      ecs: null,
      legacy: null,
      note: "only Tomcat's old connector threads",
    },
    { pattern: 'JAVALOGMESSAGE', line: 'anything', ecs: {}, legacy: {} },
    { pattern: 'CATALINA7_DATESTAMP', line: 'Jan 9, 2014 7:13:13 AM', ecs: {} },
    { pattern: 'CATALINA7_DATESTAMP', line: '2014-01-09 07:13:13', ecs: null },
    {
      pattern: 'CATALINA7_LOG',
      line: 'Jan 9, 2014 7:13:13 AM org.apache.catalina.startup.Catalina start INFO: Server startup in 1234 ms',
      ecs: {
        timestamp: 'Jan 9, 2014 7:13:13 AM',
        java: { log: { origin: { class: { name: 'org.apache.catalina.startup.Catalina' } } } },
        log: { origin: { function: 'start' }, level: 'INFO' },
        message: 'Server startup in 1234 ms',
      },
    },
    {
      pattern: 'CATALINA7_LOG',
      line: '31-Jul-2020 16:40:38.578 INFO [main] org.apache.catalina.startup.Catalina.start Server startup',
      ecs: null,
    },
    { pattern: 'CATALINA8_DATESTAMP', line: '31-Jul-2020 16:40:38.578', ecs: {} },
    { pattern: 'CATALINA8_DATESTAMP', line: 'Jul 31, 2020 4:40:38 PM', ecs: null },
    {
      pattern: 'CATALINA8_LOG',
      line: '31-Jul-2020 16:40:38.578 INFO [main] org.apache.catalina.startup.Catalina.start Server startup in [1,234] milliseconds',
      ecs: {
        timestamp: '31-Jul-2020 16:40:38.578',
        log: { level: 'INFO', origin: { function: 'start' } },
        java: {
          log: {
            origin: { thread: { name: 'main' }, class: { name: 'org.apache.catalina.startup.Catalina' } },
          },
        },
        message: 'Server startup in [1,234] milliseconds',
      },
    },
    {
      pattern: 'CATALINA8_LOG',
      line: '31-Jul-2020 16:40:38.578 SEVERE [http-nio-8080-exec-3] org.apache.catalina.core.StandardWrapperValve.invoke Servlet.service() for servlet [dispatcher] threw exception',
      ecs: {
        timestamp: '31-Jul-2020 16:40:38.578',
        log: { level: 'SEVERE', origin: { function: 'invoke' } },
        java: {
          log: {
            origin: {
              thread: { name: 'http-nio-8080-exec-3' },
              class: { name: 'org.apache.catalina.core.StandardWrapperValve' },
            },
          },
        },
        message: 'Servlet.service() for servlet [dispatcher] threw exception',
      },
    },
    {
      pattern: 'CATALINA8_LOG',
      line: 'Jan 9, 2014 7:13:13 AM org.apache.catalina.startup.Catalina start',
      ecs: null,
    },
    { pattern: 'CATALINA_DATESTAMP', line: '31-Jul-2020 16:40:38.578', ecs: {}, legacy: null },
    { pattern: 'CATALINA_DATESTAMP', line: 'Jan 9, 2014 7:13:13 AM', ecs: {}, legacy: {} },
    { pattern: 'CATALINA_DATESTAMP', line: '2014-01-09', ecs: null, legacy: null },
    {
      pattern: 'CATALINALOG',
      line: '31-Jul-2020 16:40:38.578 INFO [main] org.apache.catalina.startup.Catalina.start Server startup in [1,234] milliseconds',
      ecs: {
        timestamp: '31-Jul-2020 16:40:38.578',
        log: { level: 'INFO', origin: { function: 'start' } },
        java: {
          log: {
            origin: { thread: { name: 'main' }, class: { name: 'org.apache.catalina.startup.Catalina' } },
          },
        },
        message: 'Server startup in [1,234] milliseconds',
      },
      legacy: null,
    },
    {
      pattern: 'CATALINALOG',
      line: 'Jan 9, 2014 7:13:13 AM org.apache.catalina.startup.Catalina start INFO: Server startup in 1234 ms',
      ecs: {
        timestamp: 'Jan 9, 2014 7:13:13 AM',
        java: { log: { origin: { class: { name: 'org.apache.catalina.startup.Catalina' } } } },
        log: { origin: { function: 'start' }, level: 'INFO' },
        message: 'Server startup in 1234 ms',
      },
      legacy: {
        timestamp: 'Jan 9, 2014 7:13:13 AM',
        class: 'org.apache.catalina.startup.Catalina',
        logmessage: 'start INFO: Server startup in 1234 ms',
      },
    },
    {
      pattern: 'CATALINALOG',
      line: 'Jan 9, 2014 7:13:13 AM org.apache.catalina.startup.Catalina start',
      ecs: {
        timestamp: 'Jan 9, 2014 7:13:13 AM',
        java: { log: { origin: { class: { name: 'org.apache.catalina.startup.Catalina' } } } },
        message: 'start',
      },
      legacy: {
        timestamp: 'Jan 9, 2014 7:13:13 AM',
        class: 'org.apache.catalina.startup.Catalina',
        logmessage: 'start',
      },
    },
    {
      pattern: 'CATALINALOG',
      line: '2014-01-09 20:03:28,269 -0800 | ERROR | com.example.Service - failed',
      ecs: null,
      legacy: null,
    },
    {
      pattern: 'TOMCAT7_LOG',
      line: 'Jan 9, 2014 7:13:13 AM org.apache.coyote.AbstractProtocol init INFO: Initializing ProtocolHandler ["http-bio-8080"]',
      ecs: {
        timestamp: 'Jan 9, 2014 7:13:13 AM',
        java: { log: { origin: { class: { name: 'org.apache.coyote.AbstractProtocol' } } } },
        log: { origin: { function: 'init' }, level: 'INFO' },
        message: 'Initializing ProtocolHandler ["http-bio-8080"]',
      },
    },
    { pattern: 'TOMCAT7_LOG', line: 'garbage', ecs: null },
    {
      pattern: 'TOMCAT8_LOG',
      line: '31-Jul-2020 16:40:38.578 WARNING [main] org.apache.tomcat.util.digester.SetPropertiesRule.begin Match [Server/Service] failed',
      ecs: {
        timestamp: '31-Jul-2020 16:40:38.578',
        log: { level: 'WARNING', origin: { function: 'begin' } },
        java: {
          log: {
            origin: {
              thread: { name: 'main' },
              class: { name: 'org.apache.tomcat.util.digester.SetPropertiesRule' },
            },
          },
        },
        message: 'Match [Server/Service] failed',
      },
    },
    { pattern: 'TOMCAT8_LOG', line: 'garbage', ecs: null },
    { pattern: 'TOMCATLEGACY_DATESTAMP', line: '2014-01-09 17:32:25,527 -0800', ecs: {} },
    { pattern: 'TOMCATLEGACY_DATESTAMP', line: '2014/01/09', ecs: null },
    {
      pattern: 'TOMCATLEGACY_LOG',
      line: '2014-01-09 20:03:28,269 -0800 | ERROR | com.example.service.ExampleService - something completely unexpected happened...',
      ecs: {
        timestamp: '2014-01-09 20:03:28,269 -0800',
        log: { level: 'ERROR' },
        java: { log: { origin: { class: { name: 'com.example.service.ExampleService' } } } },
        message: 'something completely unexpected happened...',
      },
    },
    { pattern: 'TOMCATLEGACY_LOG', line: '2014-01-09 20:03:28 ERROR com.example.Service failed', ecs: null },
    { pattern: 'TOMCAT_DATESTAMP', line: '2014-01-09 17:32:25,527 -0800', ecs: {}, legacy: {} },
    {
      pattern: 'TOMCAT_DATESTAMP',
      line: '1999-01-09 17:32:25,527 -0800',
      ecs: {},
      legacy: null,
      note: "legacy's date starts with 20",
    },
    { pattern: 'TOMCAT_DATESTAMP', line: '17:32:25', ecs: null, legacy: null },
    {
      pattern: 'TOMCATLOG',
      line: '2014-01-09 20:03:28,269 -0800 | ERROR | com.example.service.ExampleService - something completely unexpected happened...',
      ecs: {
        timestamp: '2014-01-09 20:03:28,269 -0800',
        log: { level: 'ERROR' },
        java: { log: { origin: { class: { name: 'com.example.service.ExampleService' } } } },
        message: 'something completely unexpected happened...',
      },
      legacy: {
        timestamp: '2014-01-09 20:03:28,269 -0800',
        level: 'ERROR',
        class: 'com.example.service.ExampleService',
        logmessage: 'something completely unexpected happened...',
      },
    },
    {
      pattern: 'TOMCATLOG',
      line: '31-Jul-2020 16:40:38.578 INFO [main] org.apache.catalina.startup.Catalina.start Server startup in [1,234] milliseconds',
      ecs: {
        timestamp: '31-Jul-2020 16:40:38.578',
        log: { level: 'INFO', origin: { function: 'start' } },
        java: {
          log: {
            origin: { thread: { name: 'main' }, class: { name: 'org.apache.catalina.startup.Catalina' } },
          },
        },
        message: 'Server startup in [1,234] milliseconds',
      },
      legacy: null,
    },
    {
      pattern: 'TOMCATLOG',
      line: 'Jan 9, 2014 7:13:13 AM org.apache.catalina.startup.Catalina start INFO: Server startup',
      ecs: {
        timestamp: 'Jan 9, 2014 7:13:13 AM',
        java: { log: { origin: { class: { name: 'org.apache.catalina.startup.Catalina' } } } },
        log: { origin: { function: 'start' }, level: 'INFO' },
        message: 'Server startup',
      },
      legacy: null,
    },
    { pattern: 'TOMCATLOG', line: 'no tomcat here', ecs: null, legacy: null },
  ],
} satisfies GrokCaseFile;
