// BoundedLines (src/prestop/lines.ts): a pre-stop's output as log lines, each of bounded size. Pure.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BoundedLines } from '../../src/prestop/lines.js';

function split(chunks: string[], max = 10): string[] {
  const out: string[] = [];
  const lines = new BoundedLines(max, (line) => out.push(line));
  for (const chunk of chunks) lines.push(chunk);
  lines.end();
  return out;
}

describe('BoundedLines', () => {
  test('splits on newlines across chunks, CRLF included, and keeps a last line without a newline', () => {
    assert.deepEqual(split(['ab', 'c\nde\r\n', '\nf']), ['abc', 'de', '', 'f']);
    assert.deepEqual(split(['a\n']), ['a']);
    assert.deepEqual(split([]), []);
  });

  test('a line longer than the bound is cut and the rest counted, whatever the chunking', () => {
    assert.deepEqual(split(['0123456789abc\nok']), ['0123456789 [cut: 3 more characters]', 'ok']);
    assert.deepEqual(split(['01234', '56789', 'ab', 'c', '\nok\n']), ['0123456789 [cut: 3 more characters]', 'ok']);
    assert.deepEqual(split(['x'.repeat(25)]), ['xxxxxxxxxx [cut: 15 more characters]']);
  });

  test('a line of exactly the bound is whole', () => {
    assert.deepEqual(split(['0123456789\n']), ['0123456789']);
  });

  test('memory stays bounded: a million characters without a newline keep at most the bound', () => {
    const out: string[] = [];
    const lines = new BoundedLines(100, (line) => out.push(line));
    for (let i = 0; i < 1000; i++) lines.push('y'.repeat(1000));
    lines.end();
    assert.deepEqual(out, [`${'y'.repeat(100)} [cut: 999900 more characters]`]);
  });
});
