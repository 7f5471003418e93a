// An HTTP proxy that holds every request for DELAY_MS before passing it on:
// the round trip of a remote S3 service, on loopback.
//   node latency_proxy.js LISTEN_PORT TARGET_PORT DELAY_MS   (LISTEN_PORT 0: any free one)
// Prints "proxy listening on PORT" once ready.
'use strict';
const http = require('http');
const [listen, target, delay] = process.argv.slice(2).map(Number);
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
http
  .createServer((req, res) => {
    setTimeout(() => {
      const up = http.request(
        { host: '127.0.0.1', port: target, method: req.method, path: req.url, headers: req.headers, agent },
        (r) => {
          res.writeHead(r.statusCode, r.headers);
          r.pipe(res);
        },
      );
      up.on('error', () => {
        res.writeHead(502);
        res.end();
      });
      req.pipe(up);
    }, delay);
  })
  .listen(listen, '127.0.0.1', function () {
    console.log(`proxy listening on ${this.address().port}`);
  });
