// Row 5, shutdown precision (graceinit only: the others have no delay or timeout): graceinit as PID 1
// with --delay 2 --timeout 2 supervises sigcatch, which reports SIGTERM and keeps running (it ignores
// it in effect). From the bench's SIGTERM to graceinit:
//   stop signal: the child's handler timestamp for SIGTERM; configured at delay = 2000 ms
//   kill: the first moment the child is dead (zombie or gone), polled in /proc from outside every
//         few µs; configured at delay + timeout = 4000 ms
// graceinit's own log (elapsed_ms of the stopping and killing phases) is kept beside, as its view.
// Strictly one run at a time.
import { join } from 'node:path';
import { summarize } from './stats.mjs';
import { Run, childrenOf, monoNs, sleep, stateOf } from './proc.mjs';

const DELAY_MS = 2000;
const TIMEOUT_MS = 2000;

export async function shutdown({ root, subjects, runs: count, log }) {
  const graceinit = subjects.find((s) => s.id === 'graceinit');
  const argv = [...graceinit.pid1.slice(0, -1), '--delay', String(DELAY_MS / 1000), '--timeout', String(TIMEOUT_MS / 1000),
    '--log-format', 'json', '--', join(root, 'dist', 'fixtures', 'sigcatch')];
  const samples = [];
  for (let i = 0; i < count; i++) {
    const run = new Run(argv, { stderr: 'pipe' });
    try {
      await run.nextLine(/^ready \d+$/, 15_000);
      const initPid = await run.initPid();
      const [childPid] = childrenOf(initPid);
      if (!childPid) throw new Error('graceinit has no child after the child said ready');
      const sent = monoNs();
      process.kill(initPid, 'SIGTERM');
      const { match } = await run.nextLine(/^sig 15 (\d+)$/, DELAY_MS + 5000);
      const stopMs = Number(BigInt(match[1]) - sent) / 1e6;
      // Sleep until shortly before the configured kill, then watch the child closely.
      const watchFrom = DELAY_MS + TIMEOUT_MS - 300;
      const elapsed = () => Number(monoNs() - sent) / 1e6;
      if (elapsed() < watchFrom) await sleep(watchFrom - elapsed());
      let killMs;
      while (elapsed() < DELAY_MS + TIMEOUT_MS + 5000) {
        const state = stateOf(childPid);
        if (state === undefined || state === 'Z' || state === 'X') { killMs = elapsed(); break; }
        if (run.exitCode !== undefined) break;
      }
      const { code } = await run.exited;
      const logged = (phase) => run.stderr.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l))
        .find((e) => e.event === `phase-${phase}`)?.elapsed_ms;
      samples.push({ stopMs, killMs: killMs ?? NaN, exitCode: code, loggedStopMs: logged('stopping'), loggedKillMs: logged('killing') });
    } finally {
      await run.stop();
    }
  }
  log(`shutdown precision: ${count} runs`);
  const off = (key, target) => summarize(samples.map((s) => s[key] - target));
  const abs = (key, target) => summarize(samples.map((s) => Math.abs(s[key] - target)));
  return {
    runs: count, delayMs: DELAY_MS, timeoutMs: TIMEOUT_MS, argv, samples,
    stop: { observed: summarize(samples.map((s) => s.stopMs)), offset: off('stopMs', DELAY_MS), absOffset: abs('stopMs', DELAY_MS),
      logged: summarize(samples.map((s) => s.loggedStopMs)) },
    kill: { observed: summarize(samples.map((s) => s.killMs)), offset: off('killMs', DELAY_MS + TIMEOUT_MS), absOffset: abs('killMs', DELAY_MS + TIMEOUT_MS),
      logged: summarize(samples.map((s) => s.loggedKillMs)) },
    exitCodes: [...new Set(samples.map((s) => s.exitCode))],
  };
}
