// What machine the numbers come from: CPU, nproc, kernel, memory, OS, Node, load.
import { readFileSync } from 'node:fs';
import os from 'node:os';

function read(path) {
  try { return readFileSync(path, 'utf8'); } catch { return ''; }
}

export function machine() {
  const cpuinfo = read('/proc/cpuinfo');
  const model = (cpuinfo.match(/^model name\s*:\s*(.+)$/m) ?? [])[1] ?? os.cpus()[0]?.model ?? 'unknown';
  const osName = (read('/etc/os-release').match(/^PRETTY_NAME="?([^"\n]+)"?$/m) ?? [])[1] ?? os.type();
  return {
    cpu: model.trim(),
    nproc: os.availableParallelism(),
    kernel: `${os.type()} ${os.release()} ${os.arch()}`,
    memGiB: os.totalmem() / 2 ** 30,
    os: osName,
    node: process.version,
    loadStart: os.loadavg()[0],
  };
}
