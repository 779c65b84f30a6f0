#!/usr/bin/env node
// Runs the compiled tests (dist/test/**/*.test.js) with node's test runner and fails when any test
// fails or when none ran: Node 20's `node --test` takes no globs and would quietly run 0 tests.
//   node scripts/run-tests.mjs [filter...]   only files whose path contains one of the filters
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, dirname, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
spawnSync(process.execPath, [join(root, 'scripts', 'build-fixtures.mjs')], { stdio: 'inherit' });

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}
const filters = process.argv.slice(2);
const files = walk(join(root, 'dist', 'test'))
  .filter((f) => f.endsWith('.test.js'))
  .filter((f) => filters.length === 0 || filters.some((x) => relative(root, f).includes(x)))
  .sort();
if (files.length === 0) {
  console.error('run-tests: no test files found under dist/test (did `npm run build` run?)');
  process.exit(1);
}
const tap = join(root, 'dist', 'test-results.tap');
const result = spawnSync(process.execPath, [
  '--test', '--test-concurrency=1',
  '--test-reporter=spec', '--test-reporter-destination=stdout',
  '--test-reporter=tap', `--test-reporter-destination=${tap}`,
  ...files,
], { stdio: 'inherit', cwd: root });
const summary = readFileSync(tap, 'utf8');
const count = (key) => Number((summary.match(new RegExp(`^# ${key} (\\d+)$`, 'm')) ?? [])[1] ?? 0);
const [tests, pass, fail, skipped, cancelled] = ['tests', 'pass', 'fail', 'skipped', 'cancelled'].map(count);
console.log(`\n${pass} passed, ${fail + cancelled} failed, ${skipped} skipped`);
if (tests === 0) {
  console.error('run-tests: 0 tests ran: that is a failure, not a pass');
  process.exit(1);
}
process.exit(result.status === 0 && fail + cancelled === 0 ? 0 : 1);
