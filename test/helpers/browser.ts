// Debian's Chromium driven by playwright-core: installed by scripts/ensure-packages.sh when missing,
// never downloaded by Playwright, a fresh profile per launch, nothing reached but the page itself.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { ROOT } from './ns.js';

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Installs Debian's chromium if it is missing (apt-get, as the project's script does it). */
export function ensureChromium(): void {
  const result = spawnSync('bash', [join(ROOT, 'scripts', 'ensure-packages.sh'), 'chromium'], { encoding: 'utf8', timeout: 600_000 });
  if (result.status !== 0) throw new Error(`scripts/ensure-packages.sh chromium failed: ${result.stderr || result.error?.message}`);
}

export async function launch(viewport = { width: 1050, height: 900 }): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  const { chromium } = await import('playwright-core');
  const profile = mkdtempSync(join(tmpdir(), 'graceinit-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, viewport, timeout: 60_000,
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
