// Row 2, memory: RSS and RssAnon (private, anonymous: heap, stacks, malloc) of each init as PID 1 of
// its own namespace while it supervises `sleep infinity`, read from /proc/<pid>/status after it has
// settled. Beside: bare node idling, and the Node floor supervising the same sleep. In each round every
// subject runs at the same time (they only sleep), so rounds are interleaved by construction.
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { summarize, ratio } from './stats.mjs';
import { Run, childrenOf, memoryOf, sleep } from './proc.mjs';

const SETTLE_MS = 1500;

export async function memory({ root, subjects, rounds, log }) {
  const node = process.execPath;
  const entries = [
    { id: 'node', label: 'node, idle (no child)', kind: 'baseline', argv: [node, '-e', 'setInterval(() => {}, 1 << 30)'], child: false },
    { id: 'floor', label: 'node spawning sleep (floor)', kind: 'baseline', argv: [node, join(root, 'scripts', 'bench', 'floor.cjs'), 'sleep', 'infinity'], child: true },
    ...subjects.map((s) => ({ id: s.id, label: s.label, kind: s.kind, argv: [...s.pid1, 'sleep', 'infinity'], env: s.env, child: true })),
  ];
  const samples = Object.fromEntries(entries.map((e) => [e.id, []]));
  for (let round = 0; round < rounds; round++) {
    const runs = entries.map((e) => ({ entry: e, run: new Run(e.argv, { env: e.env }) }));
    try {
      for (const r of runs) {
        r.pid = await r.run.initPid();
        const deadline = Date.now() + 15_000;
        // Wait until it runs the right program (not unshare mid-exec) and, for an init, has its child.
        for (;;) {
          const cmd = readCmdline(r.pid);
          if (cmd.startsWith(r.entry.argv[0]) && (!r.entry.child || childrenOf(r.pid).length > 0)) break;
          if (Date.now() > deadline) throw new Error(`${r.entry.argv.join(' ')} did not start its child`);
          await sleep(20);
        }
      }
      await sleep(SETTLE_MS);
      for (const r of runs) {
        const m = memoryOf(r.pid);
        if (!m) throw new Error(`${r.entry.argv.join(' ')} is gone before its memory was read`);
        samples[r.entry.id].push(m);
      }
    } finally {
      await Promise.all(runs.map((r) => r.run.stop()));
    }
  }
  log(`memory: ${rounds} rounds of ${entries.length} processes`);
  const mb = (list, key) => summarize(list.map((m) => m[key] / 1024));
  const nodeAnon = mb(samples.node, 'anonKb').p50;
  const nodeRss = mb(samples.node, 'rssKb').p50;
  const rows = entries.map((e) => {
    const rss = mb(samples[e.id], 'rssKb');
    const anon = mb(samples[e.id], 'anonKb');
    return { id: e.id, label: e.label, kind: e.kind, argv: e.argv, rss, anon, file: mb(samples[e.id], 'fileKb'),
      anonVsNode: ratio(anon.p50, nodeAnon), rssVsNode: ratio(rss.p50, nodeRss) };
  });
  return { rounds, settleMs: SETTLE_MS, rows, samples };
}

function readCmdline(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}
