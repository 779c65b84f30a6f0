// The bundled example app: a small HTTP server that does what most apps do on SIGTERM, which is to
// close its listener at once (new connections are refused) and exit once in-flight requests are done.
// Under graceinit with a --delay it keeps serving while load balancers catch up.
'use strict';
const http = require('node:http');

const port = Number(process.env.PORT || 8080);
const server = http.createServer((req, res) => {
  const delay = Number(new URL(req.url, 'http://x').searchParams.get('sleep') || 0);
  setTimeout(() => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(`ok from pid ${process.pid}\n`);
  }, delay);
});
server.keepAliveTimeout = 1000;

server.listen(port, () => console.log(`example server listening on :${port} (pid ${process.pid})`));

process.on('SIGTERM', () => {
  console.log('example server: SIGTERM, closing the listener');
  server.close(() => {
    console.log('example server: all connections closed, exiting');
    process.exit(0);
  });
  server.closeIdleConnections();
});
