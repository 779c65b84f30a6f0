// The benchmark chart: panels of horizontal bars (median) with whiskers (spread), one panel per
// headline comparison, as a self-contained SVG string. Pure: data in, text out.

const LABEL_W = 250;
const VALUE_W = 150;
const BAR_H = 16;
const BAR_GAP = 7;
const PANEL_HEAD = 34;
const PANEL_FOOT = 26;
const COLORS = { graceinit: '#2b6cb0', peer: '#718096', baseline: '#b8c2cc' };

export function escapeXml(text) {
  return String(text).replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]);
}

/** A round axis maximum at or above `max`: 1, 2, 2.5 or 5 times a power of ten. */
export function niceMax(max) {
  if (!(max > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(max));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * power >= max) return step * power;
  return 10 * power;
}

const num = (v) => Number(v.toFixed(2));

function formatValue(value, decimals, unit) {
  return Number.isFinite(value) ? `${value.toFixed(decimals)} ${unit}`.trim() : 'n/a';
}

/**
 * panels: [{ title, unit, decimals?, note?, bars: [{ label, value, low?, high?, kind?, text? }] }]
 * kind is graceinit | peer | baseline (colour); low/high draw a whisker; text replaces the value label.
 * A whisker beyond 3× the largest bar ends at the axis in an arrow (class "whisker cut").
 */
export function renderChart({ title, subtitle = '', panels, width = 820 }) {
  const plotW = width - LABEL_W - VALUE_W;
  const parts = [];
  let y = subtitle ? 58 : 44;
  for (const panel of panels) {
    const decimals = panel.decimals ?? 1;
    // The axis fits the bars and the whiskers, except a whisker far out (a tail 3× the largest bar):
    // that one is cut at the axis end and marked with an arrow, so the bars stay readable.
    const values = panel.bars.map((b) => b.value).filter((v) => Number.isFinite(v));
    const valueMax = values.length ? Math.max(...values) : 0;
    const highs = panel.bars.map((b) => b.high).filter((v) => Number.isFinite(v) && v <= 3 * valueMax);
    const axisMax = niceMax(Math.max(valueMax, ...highs));
    const x = (v) => LABEL_W + (Math.max(0, v) / axisMax) * plotW;
    parts.push(`<text class="panel" x="12" y="${y + 20}">${escapeXml(panel.title)}</text>`);
    let by = y + PANEL_HEAD;
    for (const bar of panel.bars) {
      const cy = by + BAR_H / 2;
      parts.push(`<text class="label" x="${LABEL_W - 8}" y="${num(cy + 4)}" text-anchor="end">${escapeXml(bar.label)}</text>`);
      if (Number.isFinite(bar.value)) {
        const w = num(x(bar.value) - LABEL_W);
        parts.push(`<rect class="bar" data-value="${bar.value}" x="${LABEL_W}" y="${by}" width="${w}" height="${BAR_H}" fill="${COLORS[bar.kind] ?? COLORS.peer}"/>`);
        if (Number.isFinite(bar.low) && Number.isFinite(bar.high)) {
          const cut = bar.high > axisMax;
          const [x1, x2] = [num(x(Math.min(bar.low, axisMax))), num(x(Math.min(bar.high, axisMax)))];
          const end = cut ? `M${x2 - 5} ${by + 3}L${x2} ${num(cy)}L${x2 - 5} ${by + BAR_H - 3}` : `M${x2} ${by + 3}V${by + BAR_H - 3}`;
          parts.push(`<path class="whisker${cut ? ' cut' : ''}" d="M${x1} ${num(cy)}H${x2}M${x1} ${by + 3}V${by + BAR_H - 3}${end}" stroke="#1a202c" stroke-width="1.2" fill="none"/>`);
        }
      }
      const text = bar.text ?? formatValue(bar.value, decimals, panel.unit);
      parts.push(`<text class="value" x="${LABEL_W + plotW + 8}" y="${num(cy + 4)}">${escapeXml(text)}</text>`);
      by += BAR_H + BAR_GAP;
    }
    const axisY = by;
    parts.push(`<path d="M${LABEL_W} ${y + PANEL_HEAD - 4}V${axisY}H${LABEL_W + plotW}" stroke="#4a5568" fill="none"/>`);
    for (const f of [0, 0.25, 0.5, 0.75, 1]) {
      const tx = num(LABEL_W + f * plotW);
      parts.push(`<text class="tick" x="${tx}" y="${axisY + 13}" text-anchor="middle">${escapeXml(formatTick(axisMax * f))}</text>`);
    }
    parts.push(`<text class="note" x="${width - 8}" y="${axisY + 13}" text-anchor="end">${escapeXml(panel.unit)}${panel.note ? ` · ${escapeXml(panel.note)}` : ''}</text>`);
    y = axisY + PANEL_FOOT;
  }
  const height = y + 10;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">`,
    '<style>.title{font-size:17px;font-weight:bold}.subtitle{font-size:12px;fill:#4a5568}.panel{font-size:14px;font-weight:bold}' +
      '.label,.value{font-size:12px}.tick,.note{font-size:10px;fill:#4a5568}</style>',
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text class="title" x="12" y="26">${escapeXml(title)}</text>`,
    subtitle ? `<text class="subtitle" x="12" y="44">${escapeXml(subtitle)}</text>` : '',
    ...parts,
    '</svg>',
  ].filter((line) => line !== '').join('\n') + '\n';
}

function formatTick(v) {
  if (v === 0) return '0';
  if (v >= 100) return v.toFixed(0);
  if (v >= 1) return String(Number(v.toFixed(1)));
  return String(Number(v.toPrecision(2)));
}
