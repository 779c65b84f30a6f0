// Row 4, reaping as PID 1: the child (dist/fixtures/orphans) makes N orphans that are re-parented to
// the init, releases them at once, and reports zombies left, the time from the last orphan's exit to
// none left (drain), and the peak outstanding (see the fixture's header for how each is measured).
// One init at a time (they would compete for the CPUs), round-robin over rounds.
import { join } from 'node:path';
import { summarize, roundOrder } from './stats.mjs';
import { Run } from './proc.mjs';

export async function reaping({ root, subjects, rounds, orphans, log }) {
  const fixture = join(root, 'dist', 'fixtures', 'orphans');
  const entries = subjects.map((s) => ({ id: s.id, label: s.label, kind: s.kind, argv: [...s.pid1, fixture, String(orphans), '0', '5000'], env: s.env }));
  const samples = Object.fromEntries(entries.map((e) => [e.id, []]));
  for (let round = 0; round < rounds; round++) {
    for (const entry of roundOrder(entries, round)) {
      const run = new Run(entry.argv, { env: entry.env });
      try {
        const reparented = Number((await run.nextLine(/^reparented=(\d+)$/, 60_000)).match[1]);
        const { match } = await run.nextLine(/^zombies_left=(-?\d+) reap_ms=(-?[\d.]+) peak=(-?\d+) last_exit_ms=(-?[\d.]+) drain_ms=(-?[\d.]+) exits_seen_by=(\w+)$/, 30_000);
        const { code } = await run.exited;
        const [zombiesLeft, reapMs, peak, lastExitMs, drainMs] = match.slice(1, 6).map(Number);
        const exitsSeenBy = match[6];
        // -1 means "not reached within the fixture's 5 s": kept as a missing number, counted below.
        const value = (v) => (v < 0 ? NaN : v);
        samples[entry.id].push({ reparented, zombiesLeft, reapMs: value(reapMs), peak, lastExitMs: value(lastExitMs), drainMs: value(drainMs), exitsSeenBy, exitCode: code });
      } finally {
        await run.stop();
      }
    }
  }
  log(`reaping: ${rounds} rounds of ${entries.length} inits, ${orphans} orphans each`);
  const rows = entries.map((e) => {
    const list = samples[e.id];
    return {
      id: e.id, label: e.label, kind: e.kind, argv: e.argv,
      zombiesLeftMax: Math.max(...list.map((s) => s.zombiesLeft)),
      unfinished: list.filter((s) => !Number.isFinite(s.drainMs)).length,
      badExit: list.filter((s) => s.exitCode !== 0).length,
      reparentedMin: Math.min(...list.map((s) => s.reparented)),
      drain: summarize(list.map((s) => s.drainMs)),
      lastExit: summarize(list.map((s) => s.lastExitMs)),
      reap: summarize(list.map((s) => s.reapMs)),
      peak: summarize(list.map((s) => s.peak)),
      exitsSeenBy: [...new Set(list.map((s) => s.exitsSeenBy))].join(', '),
    };
  });
  return { rounds, orphans, rows, samples };
}
