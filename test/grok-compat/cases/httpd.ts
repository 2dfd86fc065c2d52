import type { GrokCaseFile } from '../case.js';

const combined =
  '127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326 "http://www.example.com/start.html" "Mozilla/4.08 [en] (Win98; I ;Nav)"';

export default {
  file: 'httpd',
  cases: [
    {
      pattern: 'COMBINEDAPACHELOG',
      line: combined,
      ecs: {
        source: { address: '127.0.0.1' },
        user: { name: 'frank' },
        timestamp: '10/Oct/2000:13:55:36 -0700',
        http: {
          request: { method: 'GET', referrer: 'http://www.example.com/start.html' },
          version: '1.0',
          response: { status_code: 200, body: { bytes: 2326 } },
        },
        url: { original: '/apache_pb.gif' },
        user_agent: { original: 'Mozilla/4.08 [en] (Win98; I ;Nav)' },
      },
    },
  ],
} satisfies GrokCaseFile;
