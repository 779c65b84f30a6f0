#!/usr/bin/env node
// Regenerates docs/drill-report.png, the README's picture of a --report page: runs the README's
// --compare drill on the example server, opens the page in Debian's Chromium (installed by
// scripts/ensure-packages.sh if missing; Playwright never downloads a browser) and screenshots it.
//   npm run build && node scripts/drill-screenshot.mjs
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { CHROMIUM, CHROMIUM_ARGS } = require(join(root, 'dist', 'test', 'helpers', 'browser.js'));
const dir = mkdtempSync(join(tmpdir(), 'drill-shot-'));
const report = join(dir, 'report.html');

const install = spawnSync('bash', [join(root, 'scripts', 'ensure-packages.sh'), 'chromium'], { stdio: 'inherit' });
if (install.status !== 0) process.exit(1);
const drill = spawnSync(process.execPath, [join(root, 'bin', 'graceinit'), 'drill', '--compare', '--report', report,
  '--delay', '3', '--', 'node', 'examples/server.js'], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, PORT: process.env.PORT ?? '18080' } });
if (drill.status !== 0) {
  console.error(`drill-screenshot: the drill exited with ${drill.status}`);
  process.exit(1);
}
const { chromium } = await import('playwright-core');
const profile = join(dir, 'profile');
const context = await chromium.launchPersistentContext(profile, {
  executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, viewport: { width: 1050, height: 800 },
});
const page = await context.newPage();
await page.goto(pathToFileURL(report).href);
await page.screenshot({ path: join(root, 'docs', 'drill-report.png'), fullPage: true });
await context.close();
rmSync(dir, { recursive: true, force: true });
console.error('drill-screenshot: wrote docs/drill-report.png');
