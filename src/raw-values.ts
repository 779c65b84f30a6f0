// Readers that turn one raw option value (from cli.ts) into a typed one, or a UsageError naming the
// flag or GRACEINIT_* variable it came from. Pure; shared by every option table (graceinit's, the
// readiness options', the drill's).
import { UsageError, type RawValue } from './cli.js';
import { DurationError, parseDuration } from './duration.js';

/** A value that must be a string (not a repeated list or a boolean flag). */
export function text(raw: RawValue): string {
  if (typeof raw.value !== 'string') throw new UsageError(`${raw.from}: expected a value`);
  return raw.value;
}

/** A repeatable option's entries (a single value counts as one). */
export function list(raw: RawValue | undefined): string[] {
  if (!raw) return [];
  return Array.isArray(raw.value) ? raw.value : [text(raw)];
}

/** A duration in ms. */
export function duration(raw: RawValue | undefined): number | undefined {
  if (!raw) return undefined;
  try {
    return parseDuration(text(raw));
  } catch (err) {
    if (err instanceof DurationError) throw new UsageError(`${raw.from}: ${err.message}`);
    throw err;
  }
}
