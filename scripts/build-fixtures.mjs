#!/usr/bin/env node
// Compiles the C test fixtures (test/fixtures/*.c) into dist/fixtures/. cc comes with the machine
// (node-gyp needs it for the addon too).
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, statSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'test', 'fixtures');
const out = join(root, 'dist', 'fixtures');
mkdirSync(out, { recursive: true });
const files = readdirSync(src);
// A fixture is rebuilt when it or any shared header (fixture.h) is newer than its binary.
const newestHeader = Math.max(0, ...files.filter((f) => f.endsWith('.h')).map((f) => statSync(join(src, f)).mtimeMs));
for (const file of files.filter((f) => f.endsWith('.c'))) {
  const target = join(out, file.slice(0, -2));
  const newestInput = Math.max(statSync(join(src, file)).mtimeMs, newestHeader);
  if (existsSync(target) && statSync(target).mtimeMs >= newestInput) continue;
  execFileSync('cc', ['-O2', '-Wall', '-o', target, join(src, file)], { stdio: 'inherit' });
}
