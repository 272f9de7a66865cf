// Bar charts drawn as SVG: one group of bars per row, one bar per series. Series differ by fill
// pattern as well as colour, every bar is focusable and names its value (title, aria-label), and
// the value shows above the bar on hover or focus. The fill patterns are defined once, in index.html.

const SVG = 'http://www.w3.org/2000/svg';
const FILLS = ['url(#solid)', 'url(#hatch)', 'url(#dots)'];

function el(tag, attrs = {}, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, String(value));
  if (text != null) node.textContent = text;
  return node;
}

/**
 * rows: [{label, values: [number|null, ...]}]; series: names of the values; unit: after each value.
 * Answers a <figure> holding the chart and its legend.
 */
export function barChart(title, series, rows, unit = '') {
  const width = 640;
  const height = 220;
  const left = 56;
  const bottom = 40;
  const top = 16;
  const max = Math.max(1, ...rows.flatMap(r => r.values.filter(v => v != null)));
  const band = (width - left - 8) / Math.max(1, rows.length);
  const bar = Math.max(2, Math.min(28, (band - 6) / series.length));
  const y = v => top + (height - top - bottom) * (1 - v / max);
  const svg = el('svg', { viewBox: `0 0 ${width} ${height}`, role: 'group', 'aria-label': title, class: 'chart' });
  for (const tick of [0, max / 2, max]) {
    svg.append(el('line', { x1: left, x2: width - 8, y1: y(tick), y2: y(tick), class: 'grid' }),
      el('text', { x: left - 6, y: y(tick) + 4, class: 'axis', 'text-anchor': 'end' }, format(tick)));
  }
  rows.forEach((row, i) => {
    const x0 = left + i * band + (band - bar * series.length) / 2;
    row.values.forEach((value, s) => {
      if (value == null) return;
      const name = `${row.label}, ${series[s]}: ${format(value)}${unit}`;
      const g = el('g', { class: 'bar', tabindex: 0, role: 'img', 'aria-label': name, 'data-label': row.label, 'data-series': series[s], 'data-value': value });
      const x = x0 + s * bar;
      g.append(el('title', {}, name),
        el('rect', { x, y: y(value), width: bar - 1, height: Math.max(0.5, y(0) - y(value)), fill: FILLS[s % FILLS.length], class: 'outline' }),
        el('text', { x: x + bar / 2, y: y(value) - 3, 'text-anchor': 'middle', class: 'value' }, format(value)));
      svg.append(g);
    });
    svg.append(el('text', { x: left + i * band + band / 2, y: height - bottom + 14, 'text-anchor': 'middle', class: 'axis' }, short(row.label)));
  });
  const legend = document.createElement('ul');
  legend.className = 'legend';
  series.forEach((name, s) => {
    const swatch = el('svg', { width: 14, height: 14, 'aria-hidden': 'true' });
    swatch.append(el('rect', { width: 14, height: 14, fill: FILLS[s % FILLS.length], class: 'outline' }));
    const item = document.createElement('li');
    item.append(swatch, ` ${name}`);
    legend.append(item);
  });
  const figure = document.createElement('figure');
  const caption = document.createElement('figcaption');
  caption.textContent = title;
  figure.append(caption, svg, legend);
  return figure;
}

function format(value) {
  return Number.isInteger(value) ? value.toLocaleString() : value.toLocaleString(undefined, { maximumFractionDigits: 1 });
}

function short(label) {
  return label.length > 12 ? `${label.slice(0, 11)}…` : label;
}
