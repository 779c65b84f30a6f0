// Reference point, not an init: the least a Node.js process must do to run a command as an init
// would: start node, spawn the command, pass SIGTERM/SIGINT/SIGHUP/SIGUSR1/SIGUSR2 on to it, exit with
// its status. No reaping, no shutdown sequence, no options. The bench shows it beside graceinit so the
// cost of Node itself is apart from the cost of graceinit's code.
'use strict';
const [file, ...args] = process.argv.slice(2);
const child = require('node:child_process').spawn(file, args, { stdio: 'inherit' });
for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGUSR1', 'SIGUSR2']) {
  process.on(signal, () => child.kill(signal));
}
child.on('exit', (code, signal) => process.exit(code ?? 128 + require('node:os').constants.signals[signal]));
