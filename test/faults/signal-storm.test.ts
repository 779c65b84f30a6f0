// A burst of 10,000 mixed signals at graceinit as PID 1: every kind still reaches the app, nothing is
// forwarded more often than it arrived, memory stays flat, and the shutdown afterwards runs on time.
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { constants } from 'node:os';
import { fixture, pid1Test, startInit } from '../helpers/ns.js';
import { peakRssKb, rssKb, stderrQuiet } from '../helpers/proc.js';

const KINDS = ['SIGUSR1', 'SIGUSR2', 'SIGHUP', 'SIGWINCH'] as const;
const TOTAL = 10_000;
const DELAY_MS = 1000;
const TOLERANCE_MS = 300;
const MAX_RSS_GROWTH_KB = 20 * 1024;

describe('signal storm', () => {
  pid1Test(`${TOTAL} mixed signals: each kind reaches the child, never more than sent, RSS grows < 20 MB, TERM then runs on time`, async (t) => {
    const run = startInit(t, ['--log-format', 'json', '--log-level', 'debug', '--delay', String(DELAY_MS / 1000),
      '--', fixture('stormchild')]);
    await run.waitStdout(/^ready \d+$/m);
    const pid = await run.initPid();
    await stderrQuiet(run, 200);
    const rssBefore = rssKb(pid);

    const sent = new Map<string, number>(KINDS.map((k) => [k, 0]));
    for (let i = 0; i < TOTAL; i++) {
      const kind = KINDS[i % KINDS.length]!;
      process.kill(pid, kind);
      sent.set(kind, sent.get(kind)! + 1);
    }
    await stderrQuiet(run, 300); // graceinit has handled (and logged) every signal it got
    const rssAfter = rssKb(pid);
    const peak = peakRssKb(pid);
    t.diagnostic(`RSS before ${rssBefore} kB, after ${rssAfter} kB, peak ${peak} kB`);

    const termAt = await run.signal('SIGTERM');
    const exit = await run.exited;
    assert.equal(exit.code, 0, run.stderr.slice(-2000));

    const received = new Map<string, number>();
    for (const line of run.jsonLines()) {
      if (line.event === 'signal' && line.reaction === 'forward') {
        received.set(String(line.signal), (received.get(String(line.signal)) ?? 0) + 1);
      }
    }
    const childCounts = new Map<number, number>(
      [...run.stdout.matchAll(/^count (\d+) (\d+)$/gm)].map((m) => [Number(m[1]), Number(m[2])]));
    for (const kind of KINDS) {
      const num = constants.signals[kind];
      const got = childCounts.get(num) ?? 0;
      const forwarded = received.get(kind) ?? 0;
      t.diagnostic(`${kind}: sent ${sent.get(kind)}, graceinit received ${forwarded}, child received ${got}`);
      assert.ok(got >= 1, `the child never received ${kind}`);
      // Pending standard signals coalesce, at graceinit and again at the child: fewer is expected,
      // more would mean graceinit invented or duplicated signals.
      assert.ok(forwarded <= sent.get(kind)!, `graceinit handled ${kind} ${forwarded} times, more than the ${sent.get(kind)} sent`);
      assert.ok(got <= forwarded, `the child got ${kind} ${got} times, more than graceinit received (${forwarded})`);
    }
    assert.equal(childCounts.get(constants.signals.SIGTERM), 1, 'the child gets exactly one TERM: the stop signal');

    assert.ok(rssAfter - rssBefore < MAX_RSS_GROWTH_KB, `RSS grew by ${rssAfter - rssBefore} kB`);
    assert.ok(peak - rssBefore < MAX_RSS_GROWTH_KB, `peak RSS was ${peak - rssBefore} kB above the start`);

    const stopping = run.jsonLines().find((l) => l.event === 'phase-stopping');
    assert.ok(stopping, 'no stopping phase in the log');
    const elapsed = stopping.elapsed_ms as number;
    assert.ok(elapsed >= DELAY_MS && elapsed < DELAY_MS + TOLERANCE_MS, `stop signal logged at +${elapsed}ms`);
    const termNs = /^term (\d+)$/m.exec(run.stdout);
    assert.ok(termNs, 'the child did not report its TERM');
    const latency = Number(termNs[1]) / 1e6 - termAt;
    t.diagnostic(`stop signal reached the child ${latency.toFixed(0)}ms after SIGTERM (delay ${DELAY_MS}ms)`);
    assert.ok(latency >= DELAY_MS - 5 && latency < DELAY_MS + TOLERANCE_MS, `stop signal reached the child after ${latency}ms`);
  }, { timeout: 60_000 });
});
