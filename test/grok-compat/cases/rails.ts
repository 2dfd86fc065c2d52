import type { GrokCaseFile } from '../case.js';

export default {
  file: 'rails',
  cases: [
    {
      pattern: 'RAILS3HEAD',
      line: 'Started GET "/users/1?tab=posts" for 127.0.0.1 at 2024-01-15 10:23:45 +0000',
      ecs: {
        http: { request: { method: 'GET' } },
        url: { original: '/users/1?tab=posts' },
        source: { address: '127.0.0.1' },
        timestamp: '2024-01-15 10:23:45 +0000',
      },
      legacy: {
        verb: 'GET',
        request: '/users/1?tab=posts',
        clientip: '127.0.0.1',
        timestamp: '2024-01-15 10:23:45 +0000',
      },
    },
    {
      pattern: 'RAILS3HEAD',
      line: 'Started POST "/login" for 2001:db8::9 at 2024-01-15 10:23:46 -0500',
      ecs: {
        http: { request: { method: 'POST' } },
        url: { original: '/login' },
        source: { address: '2001:db8::9' },
        timestamp: '2024-01-15 10:23:46 -0500',
      },
      legacy: {
        verb: 'POST',
        request: '/login',
        clientip: '2001:db8::9',
        timestamp: '2024-01-15 10:23:46 -0500',
      },
    },
    {
      pattern: 'RAILS3HEAD',
      line: 'Started GET "/" for 127.0.0.1 at 2024-01-15 10:23:45 UTC',
      ecs: null,
      legacy: null,
      note: 'a zone name is no ISO 8601 offset',
    },
    {
      pattern: 'RCONTROLLER',
      line: 'UsersController#show',
      ecs: { rails: { controller: { class: 'UsersController', action: 'show' } } },
      legacy: { controller: 'UsersController', action: 'show' },
    },
    {
      pattern: 'RCONTROLLER',
      line: 'Admin::UsersController#update',
      ecs: { rails: { controller: { class: 'Admin::UsersController', action: 'update' } } },
      legacy: { controller: 'Admin::UsersController', action: 'update' },
    },
    { pattern: 'RCONTROLLER', line: 'no hash here', ecs: null, legacy: null },
    {
      pattern: 'RPROCESSING',
      line: 'Processing by UsersController#show as HTML',
      ecs: {
        rails: { controller: { class: 'UsersController', action: 'show' }, request: { format: 'HTML' } },
      },
      legacy: { controller: 'UsersController', action: 'show', format: 'HTML' },
    },
    {
      pattern: 'RPROCESSING',
      line: 'Processing by SessionsController#create as JSON\n  Parameters: {"email"=>"a@example.com", "password"=>"[FILTERED]"}',
      ecs: {
        rails: {
          controller: { class: 'SessionsController', action: 'create' },
          request: { format: 'JSON', params: '"email"=>"a@example.com", "password"=>"[FILTERED]"' },
        },
      },
      legacy: {
        controller: 'SessionsController',
        action: 'create',
        format: 'JSON',
        params: '"email"=>"a@example.com", "password"=>"[FILTERED]"',
      },
    },
    {
      pattern: 'RPROCESSING',
      line: 'Rendered users/show.html.erb within layouts/application (Duration: 2.1ms)',
      ecs: null,
      legacy: null,
    },
    {
      pattern: 'RAILS3FOOT',
      line: 'Completed 200 OK in 12ms (Views: 8.5ms | ActiveRecord: 1.2ms)',
      ecs: {
        http: { response: { status_code: 200 } },
        rails: { request: { duration: { total: 12, view: 8.5, active_record: 1.2 } } },
      },
      legacy: { response: '200', totalms: 12, viewms: 8.5, activerecordms: 1.2 },
    },
    {
      pattern: 'RAILS3FOOT',
      line: 'Completed 302 Found in 5ms (ActiveRecord: 0.8ms)',
      ecs: {
        http: { response: { status_code: 302 } },
        rails: { request: { duration: { total: 5, active_record: 0.8 } } },
      },
      legacy: { response: '302', totalms: 5, activerecordms: 0.8 },
    },
    {
      pattern: 'RAILS3FOOT',
      line: 'Completed 500 Internal Server Error in 33.7ms ',
      ecs: { http: { response: { status_code: 500 } }, rails: { request: { duration: { total: 33.7 } } } },
      legacy: { response: '500', totalms: 33.7 },
    },
    { pattern: 'RAILS3FOOT', line: 'Completed OK', ecs: null, legacy: null },
    {
      pattern: 'RAILS3PROFILE',
      line: '(Views: 8.5ms | ActiveRecord: 1.2ms)',
      ecs: { rails: { request: { duration: { view: 8.5, active_record: 1.2 } } } },
      legacy: { viewms: 8.5, activerecordms: 1.2 },
    },
    { pattern: 'RAILS3PROFILE', line: 'nothing', ecs: {}, legacy: {} },
    {
      pattern: 'RAILS3',
      line: 'Started GET "/users/1" for 127.0.0.1 at 2024-01-15 10:23:45 +0000\nProcessing by UsersController#show as HTML\n  Parameters: {"id"=>"1"}\n  User Load (0.4ms)  SELECT "users".* FROM "users" WHERE "users"."id" = 1\nCompleted 200 OK in 12ms (Views: 8.5ms | ActiveRecord: 1.2ms)',
      ecs: {
        http: { request: { method: 'GET' }, response: { status_code: 200 } },
        url: { original: '/users/1' },
        source: { address: '127.0.0.1' },
        timestamp: '2024-01-15 10:23:45 +0000',
        rails: {
          controller: { class: 'UsersController', action: 'show' },
          request: {
            format: 'HTML',
            params: '"id"=>"1"',
            explain: {
              original: 'User Load (0.4ms)  SELECT "users".* FROM "users" WHERE "users"."id" = 1\n',
            },
            duration: { total: 12, view: 8.5, active_record: 1.2 },
          },
        },
      },
      legacy: {
        verb: 'GET',
        request: '/users/1',
        clientip: '127.0.0.1',
        timestamp: '2024-01-15 10:23:45 +0000',
        controller: 'UsersController',
        action: 'show',
        format: 'HTML',
        params: '"id"=>"1"',
        context: 'User Load (0.4ms)  SELECT "users".* FROM "users" WHERE "users"."id" = 1\n',
        response: '200',
        totalms: 12,
        viewms: 8.5,
        activerecordms: 1.2,
      },
      note: 'a whole request joined by a multiline codec',
    },
    {
      pattern: 'RAILS3',
      line: 'Started GET "/health" for 10.0.0.1 at 2024-01-15 10:23:45 +0000',
      ecs: {
        http: { request: { method: 'GET' } },
        url: { original: '/health' },
        source: { address: '10.0.0.1' },
        timestamp: '2024-01-15 10:23:45 +0000',
      },
      legacy: {
        verb: 'GET',
        request: '/health',
        clientip: '10.0.0.1',
        timestamp: '2024-01-15 10:23:45 +0000',
      },
      note: 'often the only line',
    },
    { pattern: 'RAILS3', line: 'Processing by UsersController#show as HTML', ecs: null, legacy: null },
    { pattern: 'RUUID', line: '0123456789abcdef0123456789ABCDEF', ecs: {}, legacy: {} },
    { pattern: 'RUUID', line: '0123456789abcdef', ecs: null, legacy: null },
  ],
} satisfies GrokCaseFile;
