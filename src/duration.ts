// Durations as users write them: a bare number is seconds (as in terminationGracePeriodSeconds),
// otherwise one number with a unit. Pure: returns milliseconds or throws a one-line message.

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const FORMAT = /^(\d+(?:\.\d+)?|\.\d+)(ms|s|m|h)?$/;

export class DurationError extends Error {}

export function parseDuration(text: string): number {
  const match = FORMAT.exec(text.trim());
  if (!match) {
    throw new DurationError(`invalid duration "${text}" (use seconds like 15 or 1.5, or 500ms, 15s, 2m)`);
  }
  const ms = Number(match[1]) * UNITS[match[2] ?? 's']!;
  if (!Number.isFinite(ms) || ms > 2 ** 31 - 1) {
    throw new DurationError(`invalid duration "${text}" (too long: at most 24 days)`);
  }
  return Math.round(ms);
}

/** 1500 -> "1.5s", 250 -> "250ms", 120000 -> "2m" (what the logs and --print-plan show). */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms >= 60_000 && ms % 60_000 === 0) return `${ms / 60_000}m`;
  return `${trimZeros((ms / 1000).toFixed(3))}s`;
}

function trimZeros(fixed: string): string {
  return fixed.replace(/\.?0+$/, '');
}
