// Preloaded into every documentation snippet the tests run. Snippets may start servers on fixed
// ports (3000, …): this moves them to a free loopback port, so snippets can run side by side,
// and ends the process 3 s after the first server listens, unless the snippet finished first.
// A snippet that handles SIGTERM gets one instead, so its documented shutdown runs (and prints).
import net from 'node:net';

const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  const callback = typeof args.at(-1) === 'function' ? args.at(-1) : undefined;
  this.once('listening', () =>
    setTimeout(() => {
      if (process.listenerCount('SIGTERM') === 0) process.exit(0);
      process.kill(process.pid, 'SIGTERM');
      // A shutdown that hangs still ends, and its missing output fails the check.
      setTimeout(() => process.exit(0), 5000).unref();
    }, 3000).unref(),
  );
  return listen.call(this, { port: 0, host: '127.0.0.1' }, callback);
};
