// The exec helper's report and how a failed start reads: the same line and code either way. Pure.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { describeSetupProblem, errnoCode, parseExecReport, startFailure } from '../../src/exec-report.js';

describe('exec report', () => {
  test('nothing written means the command was exec\'d', () => {
    assert.deepEqual(parseExecReport(''), { setup: [] });
  });

  test('a failed exec and failed set-up steps are told apart', () => {
    assert.deepEqual(parseExecReport('tcsetpgrp 25\nexec 13\n'), { execErrno: 13, setup: [{ step: 'tcsetpgrp', errno: 25 }] });
    assert.deepEqual(parseExecReport('background 0\n'), { setup: [{ step: 'background', errno: 0 }] });
  });

  test('lines that are not "<step> <errno>" are ignored', () => {
    assert.deepEqual(parseExecReport('hello\nexec two\n\nexec 2'), { execErrno: 2, setup: [] });
  });

  test('errno numbers get their names', () => {
    assert.equal(errnoCode(2), 'ENOENT');
    assert.equal(errnoCode(13), 'EACCES');
    assert.equal(errnoCode(8), 'ENOEXEC');
    assert.equal(errnoCode(99999), 'errno 99999');
  });
});

describe('start failures read as a shell reports them', () => {
  test('not found: 127', () => {
    assert.deepEqual(startFailure('nope', 'ENOENT'), { exitCode: 127, message: 'command not found: nope' });
  });

  test('found but not executable: 126, with the reason in words', () => {
    assert.deepEqual(startFailure('/etc/passwd', 'EACCES'), { exitCode: 126, message: 'cannot execute /etc/passwd: permission denied' });
    assert.deepEqual(startFailure('./bin', 'ENOEXEC'), { exitCode: 126, message: 'cannot execute ./bin: exec format error' });
  });

  test('an unknown code is shown as it is', () => {
    assert.deepEqual(startFailure('x', 'spawn x EWEIRD'), { exitCode: 126, message: 'cannot execute x: spawn x EWEIRD' });
  });
});

describe('terminal set-up problems', () => {
  test('a failed step names the step and the reason, and says job control is unavailable', () => {
    assert.equal(describeSetupProblem({ step: 'tcsetpgrp', errno: 25 }),
      'the child could not take the terminal (tcsetpgrp: inappropriate ioctl for device): job control is unavailable');
  });

  test('a background start is said as such', () => {
    assert.match(describeSetupProblem({ step: 'background', errno: 0 }), /not in the terminal's foreground process group/);
  });
});
