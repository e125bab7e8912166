// Line charts in plain SVG: several series on shared axes, redrawn when data arrives.
const NS = 'http://www.w3.org/2000/svg';
export const COLORS = ['#2458d6', '#d6452a', '#1f8a4c', '#8e44ad', '#b7791f', '#0f8b8d', '#c2185b', '#546e7a'];
const M = { l: 52, r: 14, t: 26, b: 34 };

function el(tag, attrs, text) {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

/**
 * About five round tick values covering [lo, hi]; whole numbers only when {@code integer}
 * (epochs), and never outside {@code bounds} when a flat series is padded (AUC stays <= 1).
 */
export function ticks(lo, hi, { count = 5, integer = false, bounds = [-Infinity, Infinity] } = {}) {
  if (!(hi > lo)) {
    const d = integer ? 1 : Math.abs(lo) * 0.1 || 1;
    lo = Math.max(bounds[0], lo - d);
    hi = Math.min(bounds[1], hi + d);
    if (!(hi > lo)) { lo -= d; hi += d; }
  }
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  let step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw);
  if (integer) step = Math.max(1, Math.round(step));
  const out = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(+v.toFixed(12));
  return { values: out, lo: Math.min(lo, out[0]), hi: Math.max(hi, out[out.length - 1]) };
}

const label = (v) => (Math.abs(v) >= 1000 ? v.toExponential(1) : +v.toPrecision(4)).toString();

/**
 * A chart element with update(series): series = [{name, color?, points: [{x, y}]}].
 * The svg carries data-series and data-points so tests can check what was drawn.
 */
export function lineChart({ title, xLabel = 'epoch', yLabel = '', yBounds, width = 600, height = 260 }) {
  const W = width;
  const H = height;
  const wrap = document.createElement('div');
  wrap.className = 'chart card';
  const svg = el('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': title });
  const legend = document.createElement('div');
  legend.className = 'legend';
  wrap.append(svg, legend);

  wrap.update = (series) => {
    svg.replaceChildren();
    legend.replaceChildren();
    svg.append(el('text', { x: M.l, y: 16, class: 'title' }, title));
    const drawn = series.filter((s) => s.points.length > 0);
    const all = drawn.flatMap((s) => s.points);
    svg.setAttribute('data-series', String(drawn.length));
    svg.setAttribute('data-points', String(all.length));
    if (all.length === 0) {
      svg.append(el('text', { x: W / 2, y: H / 2, 'text-anchor': 'middle', class: 'empty' }, 'no data yet'));
      return;
    }
    const xs = ticks(Math.min(...all.map((p) => p.x)), Math.max(...all.map((p) => p.x)),
      { integer: all.every((p) => Number.isInteger(p.x)) });
    const ys = ticks(Math.min(...all.map((p) => p.y)), Math.max(...all.map((p) => p.y)), { bounds: yBounds });
    const px = (x) => M.l + ((x - xs.lo) / (xs.hi - xs.lo)) * (W - M.l - M.r);
    const py = (y) => H - M.b - ((y - ys.lo) / (ys.hi - ys.lo)) * (H - M.t - M.b);
    for (const v of ys.values) {
      svg.append(el('line', { x1: M.l, x2: W - M.r, y1: py(v), y2: py(v), stroke: '#e8ebf0' }));
      svg.append(el('text', { x: M.l - 6, y: py(v) + 4, 'text-anchor': 'end' }, label(v)));
    }
    for (const v of xs.values) {
      svg.append(el('text', { x: px(v), y: H - M.b + 15, 'text-anchor': 'middle' }, label(v)));
    }
    svg.append(el('line', { x1: M.l, x2: W - M.r, y1: H - M.b, y2: H - M.b, stroke: '#9aa4b1' }));
    svg.append(el('text', { x: W - M.r, y: H - 4, 'text-anchor': 'end' }, xLabel));
    if (yLabel) svg.append(el('text', { x: 4, y: M.t - 8 }, yLabel));
    drawn.forEach((s, i) => {
      const color = s.color || COLORS[i % COLORS.length];
      const pts = [...s.points].sort((a, b) => a.x - b.x);
      const d = pts.map((p, j) => `${j ? 'L' : 'M'}${px(p.x).toFixed(1)},${py(p.y).toFixed(1)}`).join(' ');
      svg.append(el('path', { d, fill: 'none', stroke: color, 'stroke-width': 2, 'data-name': s.name,
        'data-points': String(pts.length) }));
      for (const p of pts) {
        const c = el('circle', { cx: px(p.x), cy: py(p.y), r: 3, fill: color });
        c.append(el('title', {}, `${s.name}: ${label(p.y)} at ${xLabel} ${label(p.x)}`));
        svg.append(c);
      }
      const item = document.createElement('span');
      const sw = document.createElement('i');
      sw.style.background = color;
      item.append(sw, `${s.name} ${label(pts[pts.length - 1].y)}`);
      legend.append(item);
    });
  };
  wrap.update([]);
  return wrap;
}

/**
 * Metric points ({step, epoch, name, value}) to one series per name, x = epoch when known
 * (comparable across runs with different batch sizes), else step.
 */
export function seriesByName(metrics, names) {
  const by = new Map(names.map((n) => [n, []]));
  for (const m of metrics) {
    const s = by.get(m.name);
    if (!s || typeof m.value !== 'number' || !Number.isFinite(m.value)) continue;
    const x = m.epoch !== null && m.epoch !== undefined ? m.epoch : m.step;
    const at = s.findIndex((p) => p.x === x);
    if (at >= 0) s[at] = { x, y: m.value }; else s.push({ x, y: m.value });
  }
  return names.map((n) => ({ name: n, points: by.get(n) }));
}

/**
 * A scatter chart with update(points): points = [{x, y, color?, name}]. {@code xLabels} names the
 * x positions 0, 1, … (a choice parameter); {@code log} spreads x on a log scale. The svg carries
 * data-points for tests.
 */
export function scatterChart({ title, xLabel = '', xLabels = null, log = false, width = 480, height = 240 }) {
  const W = width;
  const H = height;
  const wrap = document.createElement('div');
  wrap.className = 'chart card';
  const svg = el('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': title });
  wrap.append(svg);
  wrap.update = (points) => {
    svg.replaceChildren(el('text', { x: M.l, y: 16, class: 'title' }, title));
    svg.setAttribute('data-points', String(points.length));
    if (points.length === 0) {
      svg.append(el('text', { x: W / 2, y: H / 2, 'text-anchor': 'middle', class: 'empty' }, 'no data yet'));
      return;
    }
    const fx = (x) => (log ? Math.log10(x) : x);
    const xs = xLabels ? { values: xLabels.map((_, i) => i), lo: -0.5, hi: xLabels.length - 0.5 }
      : ticks(Math.min(...points.map((p) => fx(p.x))), Math.max(...points.map((p) => fx(p.x))));
    const ys = ticks(Math.min(...points.map((p) => p.y)), Math.max(...points.map((p) => p.y)));
    const px = (x) => M.l + ((fx(x) - xs.lo) / (xs.hi - xs.lo)) * (W - M.l - M.r);
    const py = (y) => H - M.b - ((y - ys.lo) / (ys.hi - ys.lo)) * (H - M.t - M.b);
    for (const v of ys.values) {
      svg.append(el('line', { x1: M.l, x2: W - M.r, y1: py(v), y2: py(v), stroke: '#e8ebf0' }));
      svg.append(el('text', { x: M.l - 6, y: py(v) + 4, 'text-anchor': 'end' }, label(v)));
    }
    for (const v of xs.values) {
      const at = M.l + ((v - xs.lo) / (xs.hi - xs.lo)) * (W - M.l - M.r);
      svg.append(el('text', { x: at, y: H - M.b + 15, 'text-anchor': 'middle' },
        xLabels ? xLabels[v] : label(log ? 10 ** v : v)));
    }
    svg.append(el('line', { x1: M.l, x2: W - M.r, y1: H - M.b, y2: H - M.b, stroke: '#9aa4b1' }));
    svg.append(el('text', { x: W - M.r, y: H - 4, 'text-anchor': 'end' }, xLabel));
    for (const p of points) {
      const c = el('circle', { cx: px(p.x), cy: py(p.y), r: 4, fill: p.color || COLORS[0], 'data-name': p.name });
      c.append(el('title', {}, `${p.name}: ${label(p.y)} at ${xLabel} ${xLabels ? xLabels[p.x] : label(p.x)}`));
      svg.append(c);
    }
  };
  wrap.update([]);
  return wrap;
}
