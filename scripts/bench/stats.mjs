// Statistics for the benchmark: quantiles and summaries of samples, and the round-robin order. Pure.

/** The q-quantile (0..1) of values, linearly interpolated between order statistics (R's type 7). */
export function quantile(values, q) {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** n, min, p10, p25, p50, p75, p90, p99, max and mean of the samples (NaN fields when there are none). */
export function summarize(values) {
  const finite = values.filter((v) => Number.isFinite(v));
  const q = (p) => quantile(finite, p);
  return {
    n: finite.length,
    min: finite.length ? Math.min(...finite) : NaN,
    p10: q(0.1),
    p25: q(0.25),
    p50: q(0.5),
    p75: q(0.75),
    p90: q(0.9),
    p99: q(0.99),
    max: finite.length ? Math.max(...finite) : NaN,
    mean: finite.length ? finite.reduce((a, b) => a + b, 0) / finite.length : NaN,
  };
}

/** a / b, or NaN when either is missing or b is 0. */
export function ratio(a, b) {
  return Number.isFinite(a) && Number.isFinite(b) && b !== 0 ? a / b : NaN;
}

/**
 * The order of the subjects in round `round`: rotated by one each round, so that no subject always
 * runs first (after an idle pause) or right after the same neighbour.
 */
export function roundOrder(items, round) {
  if (items.length === 0) return [];
  const k = round % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}

/** A number for a table: fixed decimals, "n/a" when missing. */
export function fmt(value, decimals = 1) {
  return Number.isFinite(value) ? value.toFixed(decimals) : 'n/a';
}

/** "1.23×", or "n/a". */
export function fmtRatio(value) {
  return Number.isFinite(value) ? `${value.toFixed(2)}×` : 'n/a';
}
