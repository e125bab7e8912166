// Small DOM and formatting helpers shared by the views.

/** h('div', {class: 'x', onclick: f}, 'text', child) */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k === 'style') el.style.cssText = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : String(c));
  }
  return el;
}

export function bytes(n) {
  if (n === null || n === undefined) return '-';
  const u = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n; let i = 0;
  while (v >= 1024 && i < u.length - 1) { v /= 1024; i++; }
  return i === 0 ? `${v} B` : `${v.toFixed(1)} ${u[i]}`;
}

export function num(v) {
  if (v === null || v === undefined || v === '') return '-';
  if (typeof v !== 'number') return String(v);
  if (Number.isInteger(v)) return v.toLocaleString('en');
  return Math.abs(v) >= 1000 ? Math.round(v).toLocaleString('en') : v.toFixed(4);
}

/** "3 min ago" for recent times, the date otherwise; the exact time in the title. */
export function when(iso) {
  if (!iso) return h('span', { class: 'muted' }, '-');
  const t = new Date(iso);
  const s = (Date.now() - t.getTime()) / 1000;
  let text;
  if (s < 60) text = 'just now';
  else if (s < 3600) text = `${Math.floor(s / 60)} min ago`;
  else if (s < 86400) text = `${Math.floor(s / 3600)} h ago`;
  else text = t.toISOString().slice(0, 10);
  return h('time', { datetime: iso, title: t.toLocaleString() }, text);
}

export function duration(fromIso, toIso) {
  if (!fromIso) return '-';
  const s = Math.max(0, ((toIso ? new Date(toIso) : new Date()) - new Date(fromIso)) / 1000);
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m} min ${Math.round(s % 60)} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

export const badge = (status) => h('span', { class: `badge ${status || ''}`, 'data-status': status || '' }, status || '-');

export function progress(fraction) {
  const f = Math.max(0, Math.min(1, Number(fraction) || 0));
  return h('div', { class: 'bar', role: 'progressbar', 'aria-valuenow': Math.round(f * 100),
    'aria-valuemin': 0, 'aria-valuemax': 100, title: `${Math.floor(f * 100)}%` },
  h('span', { style: `width:${(f * 100).toFixed(1)}%` }));
}

export function errorBox(e) {
  const msg = e && e.message ? e.message : String(e);
  const code = e && e.code ? ` (${e.code})` : '';
  const offline = e instanceof TypeError ? ' — is the Trainyard server running?' : '';
  return h('div', { class: 'error-box', role: 'alert' }, msg + code + offline);
}

/** A key/value list of an object's plain fields. */
export function kv(pairs) {
  return h('dl', { class: 'kv' }, pairs.flatMap(([k, v]) => [h('dt', null, k),
    h('dd', null, v instanceof Node ? v : (v === null || v === undefined || v === '' ? '-' : String(v)))]));
}

/** Wraps a table so that it scrolls sideways on a phone instead of overflowing the page. */
export function table(headers, rows, attrs) {
  return h('div', { class: 'scroll' }, h('table', attrs || {},
    h('thead', null, h('tr', null, headers.map((x) => (typeof x === 'string' ? h('th', null, x) : x)))),
    h('tbody', null, rows)));
}
