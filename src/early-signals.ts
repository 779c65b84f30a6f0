// Imported before anything else: from the moment this module loads, every forwardable signal has a
// listener, so none is lost while the rest of graceinit loads. Two reasons it must be first:
// - as PID 1 the kernel drops any signal without a handler, so a TERM during start-up would vanish;
// - with no SIGUSR1 listener, Node opens its inspector on 127.0.0.1:9229 when SIGUSR1 arrives.
// Signals received before the supervisor attaches are queued, then replayed to it in order.
import { FORWARDED, signalNumber } from './signals.js';

export type SignalHandler = (signal: number) => void;

const queue: number[] = [];
let handler: SignalHandler | undefined;
const SIGCHLD = signalNumber('SIGCHLD');

function receive(signal: number): void {
  if (handler) handler(signal);
  // One queued SIGCHLD means "scan for zombies": more would only repeat the scan.
  else if (!(signal === SIGCHLD && queue.includes(SIGCHLD))) queue.push(signal);
}

const listeners = new Map<NodeJS.Signals, () => void>();
for (const name of [...FORWARDED, 'SIGCHLD']) {
  const num = signalNumber(name);
  const listener = (): void => receive(num);
  listeners.set(name as NodeJS.Signals, listener);
  process.on(name as NodeJS.Signals, listener);
}

/** For `graceinit drill`, an ordinary process: Ctrl-C, TERM and HUP must end it as they end any program. */
export function releaseSignals(): void {
  for (const [name, listener] of listeners) process.removeListener(name, listener);
  listeners.clear();
  queue.length = 0;
}

/** Hands every signal, the queued ones first, to `next`. */
export function attachSignals(next: SignalHandler): void {
  handler = next;
  while (queue.length > 0) next(queue.shift()!);
}
