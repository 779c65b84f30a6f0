// Exit codes a user sees from graceinit as PID 1: the child's own, 128+N, 127/126, and the map.
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { join } from 'node:path';
import { ROOT, pid1Test, startInit } from '../helpers/ns.js';

describe('exit codes as PID 1', () => {
  for (const code of [0, 1, 2, 32, 127, 254, 255]) {
    pid1Test(`child exit code ${code} passes through`, async (t) => {
      const run = startInit(t, ['--', 'sh', '-c', `exit ${code}`]);
      assert.equal((await run.exited).code, code);
    });
  }

  for (const [name, num] of [['TERM', 15], ['HUP', 1], ['QUIT', 3], ['KILL', 9]] as const) {
    pid1Test(`child killed by SIG${name} gives ${128 + num}`, async (t) => {
      const run = startInit(t, ['--', 'sh', '-c', `kill -${name} $$; sleep 5`]);
      assert.equal((await run.exited).code, 128 + num);
    });
  }

  pid1Test('a command that is not found exits 127 with one line naming it', async (t) => {
    const run = startInit(t, ['--', 'no-such-command-graceinit']);
    assert.equal((await run.exited).code, 127);
    assert.match(run.stderr, /command not found: no-such-command-graceinit/);
    assert.equal(run.stderr.trim().split('\n').length, 1);
  });

  pid1Test('a command that is not executable exits 126', async (t) => {
    const file = join(ROOT, 'package.json'); // exists, mode 644
    const run = startInit(t, ['--', file]);
    assert.equal((await run.exited).code, 126);
    assert.ok(run.stderr.includes(`cannot execute ${file}: permission denied`), run.stderr);
  });

  pid1Test('--exit-code-map rewrites the final code (143:0 for the JVM)', async (t) => {
    const run = startInit(t, ['--exit-code-map', '143:0', '--exit-code-map', '3:4', '--', 'sh', '-c', 'kill -TERM $$; sleep 5']);
    assert.equal((await run.exited).code, 0);
    const other = startInit(t, ['--exit-code-map', '143:0', '--exit-code-map', '3:4', '--', 'sh', '-c', 'exit 3']);
    assert.equal((await other.exited).code, 4);
  });

  pid1Test('a segfaulting child gives 139', async (t) => {
    const run = startInit(t, ['--', 'sh', '-c', 'kill -SEGV $$']);
    assert.equal((await run.exited).code, 139);
  });

  pid1Test('stdin, stdout and stderr are the child\'s, untouched', async (t) => {
    const run = startInit(t, ['--', 'sh', '-c', 'echo out; echo err >&2']);
    assert.equal((await run.exited).code, 0);
    assert.equal(run.stdout, 'out\n');
    assert.match(run.stderr, /^err$/m);
  });

  pid1Test('options after the command belong to the command (sh -c works)', async (t) => {
    const run = startInit(t, ['sh', '-c', 'echo "$0 $1"', 'a', '--delay']);
    assert.equal((await run.exited).code, 0);
    assert.equal(run.stdout, 'a --delay\n');
  });
});
