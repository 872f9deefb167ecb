'use strict';
// Loopback ports for the servers the tests start (JupyterLab, Spark Connect).

const net = require('node:net');

/** A TCP port free on 127.0.0.1 at the time of asking. */
function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

module.exports = { freePort };
