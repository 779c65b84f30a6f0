// Row 3, signal forwarding as PID 1: the bench sends SIGUSR2 to the init (as the host sees it) and
// the child (dist/fixtures/sigcatch) timestamps it in its handler; both read CLOCK_MONOTONIC
// (process.hrtime.bigint() is that clock), so latency = handler time - time before kill(). One signal
// at a time, the next only after the child reported the last (pending signals would coalesce).
// All inits are up at once in a round and take turns signal by signal, so noise falls on all alike.
import { join } from 'node:path';
import { summarize, ratio, roundOrder } from './stats.mjs';
import { Run, monoNs } from './proc.mjs';

const SIGUSR2 = 12;

export async function latency({ root, subjects, rounds, signals, log }) {
  const sigcatch = join(root, 'dist', 'fixtures', 'sigcatch');
  const entries = [
    { id: 'direct', label: 'no init (signal the child)', kind: 'baseline', argv: [sigcatch] },
    { id: 'floor', label: 'node passing signals on (floor)', kind: 'baseline', argv: [process.execPath, join(root, 'scripts', 'bench', 'floor.cjs'), sigcatch] },
    ...subjects.map((s) => ({ id: s.id, label: s.label, kind: s.kind, argv: [...s.pid1, sigcatch], env: s.env })),
  ];
  const samples = Object.fromEntries(entries.map((e) => [e.id, []]));
  const lost = Object.fromEntries(entries.map((e) => [e.id, 0]));
  const perRound = Math.ceil(signals / rounds);
  for (let round = 0; round < rounds; round++) {
    const runs = entries.map((entry) => ({ entry, run: new Run(entry.argv, { env: entry.env }) }));
    try {
      for (const r of runs) {
        await r.run.nextLine(/^ready \d+$/, 15_000);
        r.pid = await r.run.initPid();
      }
      for (let i = 0; i < perRound; i++) {
        for (const r of roundOrder(runs, i + round)) {
          const sent = monoNs();
          process.kill(r.pid, SIGUSR2);
          try {
            const { match } = await r.run.nextLine(/^sig (\d+) (\d+)$/, 2000);
            if (Number(match[1]) !== SIGUSR2) throw new Error(`${r.entry.label}: the child got signal ${match[1]}, not ${SIGUSR2}`);
            samples[r.entry.id].push(Number(BigInt(match[2]) - sent) / 1000);
          } catch (err) {
            if (!/timed out/.test(err.message)) throw err;
            lost[r.entry.id]++;
          }
        }
      }
    } finally {
      await Promise.all(runs.map((r) => r.run.stop()));
    }
  }
  log(`signal latency: ${rounds} rounds x ${perRound} signals to each of ${entries.length}`);
  const tiniP50 = summarize(samples.tini ?? []).p50;
  const rows = entries.map((e) => {
    const s = summarize(samples[e.id]);
    return { id: e.id, label: e.label, kind: e.kind, argv: e.argv, summary: s, lost: lost[e.id], vsTini: ratio(s.p50, tiniP50) };
  });
  return { rounds, perRound, signal: 'SIGUSR2', rows, samples };
}
