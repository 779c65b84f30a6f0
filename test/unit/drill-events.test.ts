// events.ts: graceinit's JSON log lines -> phase markers (what the report and the chart show).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { appExitOf, formatLogEvent, markerFor, parseLogLine } from '../../src/drill/events.js';

const line = (event: string, msg: string, elapsed: number | null, extra: Record<string, unknown> = {}): string =>
  JSON.stringify({ time: 't', level: 'info', phase: 'x', elapsed_ms: elapsed, event, msg, ...extra });

describe('drill events', () => {
  test('only graceinit\'s JSON lines are events', () => {
    assert.equal(parseLogLine('example server listening'), undefined);
    assert.equal(parseLogLine('{"not":"ours"}'), undefined);
    assert.equal(parseLogLine('{broken'), undefined);
    assert.equal(parseLogLine(line('phase-stopping', 'sent SIGTERM to the child', 5))?.event, 'phase-stopping');
  });

  test('each phase becomes one labelled marker at graceinit\'s elapsed time', () => {
    const cases: Array<[string, string, Record<string, unknown>, string, string]> = [
      ['phase-terminating', 'SIGTERM received: shutting down', {}, 'terminating', 'SIGTERM'],
      ['pre-stop-start', 'pre-stop 2/3 started: deregister', {}, 'pre-stop-2-start', 'pre-stop 2/3'],
      ['pre-stop-timeout', 'pre-stop 2/3 "x" timed out after 1s', {}, 'pre-stop-2-end', 'pre-stop 2/3 timed out'],
      ['pre-stop-exit', 'pre-stop 1/3 "x" exited with code 0 after 5ms', {}, 'pre-stop-1-end', 'pre-stop 1/3 done'],
      ['phase-delaying', 'delaying 1500ms before the stop signal', {}, 'delaying', 'delay'],
      ['phase-stopping', 'sent SIGQUIT to the child\'s process group', {}, 'stopping', 'SIGQUIT to app'],
      ['phase-killing', 'sent SIGKILL to the child\'s process group', {}, 'killing', 'SIGKILL'],
      ['child-exit', 'child exited with code 0; graceinit exits with 0', { code: 0, signal: null, exit_code: 0 }, 'exited', 'app exited (code 0)'],
      ['child-exit', 'child was killed by SIGKILL', { code: null, signal: 'SIGKILL', exit_code: 137 }, 'exited', 'app exited (SIGKILL)'],
    ];
    for (const [event, msg, extra, phase, label] of cases) {
      assert.deepEqual(markerFor(parseLogLine(line(event, msg, 1234, extra))!, 99), { phase, label, tMs: 1234, source: 'graceinit' });
    }
    assert.equal(markerFor(parseLogLine(line('pre-stop-output', 'pre-stop 1/1 | hi', 5))!, 0), undefined);
  });

  test('an exit before any SIGTERM is placed when the drill saw it', () => {
    const event = parseLogLine(line('child-exit', 'child exited with code 3', null, { code: 3, signal: null, exit_code: 3 }))!;
    assert.equal(markerFor(event, -420)?.tMs, -420);
    assert.deepEqual(appExitOf(event), { code: 3, signal: null, exitCode: 3 });
    assert.equal(formatLogEvent(event), 'graceinit[x] child exited with code 3');
  });
});
