// Row 1, start-up: wall time of `<init> -- true` (spawn to exit, as an ordinary process), beside bare
// `true`, bare `node -e 0` and the Node floor. Round-robin: each round runs every command once.
import { join } from 'node:path';
import { summarize, ratio, roundOrder } from './stats.mjs';
import { timeOnce } from './proc.mjs';

export async function startup({ root, subjects, rounds, log }) {
  const node = process.execPath;
  const entries = [
    { id: 'true', label: 'true (no init)', kind: 'baseline', argv: ['true'] },
    { id: 'node', label: 'node -e 0', kind: 'baseline', argv: [node, '-e', '0'] },
    { id: 'floor', label: 'node spawning true (floor)', kind: 'baseline', argv: [node, join(root, 'scripts', 'bench', 'floor.cjs'), 'true'] },
    ...subjects.map((s) => ({ id: s.id, label: s.label, kind: s.kind, argv: [...s.plain, 'true'], env: s.env })),
  ];
  const samples = Object.fromEntries(entries.map((e) => [e.id, []]));
  const warmup = 2;
  for (let round = 0; round < warmup + rounds; round++) {
    for (const entry of roundOrder(entries, round)) {
      const { ms, status, error } = timeOnce(entry.argv, entry.env);
      if (status !== 0) throw new Error(`${entry.argv.join(' ')} exited with ${status}${error ? `: ${error}` : ''}`);
      if (round >= warmup) samples[entry.id].push(ms);
    }
  }
  log(`start-up: ${rounds} rounds of ${entries.length} commands`);
  const nodeMedian = summarize(samples.node).p50;
  const trueMedian = summarize(samples.true).p50;
  const rows = entries.map((e) => {
    const s = summarize(samples[e.id]);
    return { id: e.id, label: e.label, kind: e.kind, argv: e.argv, summary: s,
      vsNode: ratio(s.p50, nodeMedian), overheadMs: s.p50 - trueMedian };
  });
  return { rounds, warmup, rows, samples };
}
