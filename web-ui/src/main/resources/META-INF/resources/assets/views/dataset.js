// One dataset: status, statistics, bad lines; refreshes until ingestion ends.
import { api } from '../api.js';
import { badge, bytes, errorBox, h, kv, num, table, when } from '../ui.js';

function view(d) {
  const s = d.stats;
  const parts = [
    h('h1', null, d.name || d.id, ' ', badge(d.status)),
    h('div', { class: 'card' }, kv([
      ['Id', d.id], ['Format', d.format + (d.gzip ? ' (gzip)' : '')], ['Uploaded', bytes(d.uploadBytes)],
      ['Created', when(d.createdAt)], ['Ready', d.readyAt ? when(d.readyAt) : '-'],
      ['Status', d.statusReason || d.status]])),
  ];
  if (s) {
    const total = (s.positives || 0) + (s.negatives || 0);
    parts.push(h('h2', null, 'Statistics'), h('div', { class: 'card', id: 'dataset-stats' }, kv([
      ['Rows', num(s.rows)], ['Features', num(s.features)], ['Non-zeros', num(s.nonZeros)],
      ['Positives', `${num(s.positives)}${total ? ` (${((100 * s.positives) / total).toFixed(1)}%)` : ''}`],
      ['Negatives', num(s.negatives)], ['Shards', num(s.shards)], ['Size on disk', bytes(s.bytes)],
      ['Feature hashing', s.hashBits ? `2^${s.hashBits}` : 'off'], ['Checksum', s.checksum]])),
    h('p', null, h('a', { class: 'button', href: `#/jobs/new?dataset=${encodeURIComponent(d.id)}` }, 'Train on it')));
  }
  if (d.status === 'FAILED') {
    parts.push(h('h2', null, 'Why it failed'), errorBox(new Error(d.error || d.statusReason || 'ingestion failed')));
    const bad = Array.isArray(d.badLines) ? d.badLines : [];
    if (bad.length) {
      parts.push(table(['Line', 'Column', 'Reason', 'Text'], bad.map((b) => h('tr', null,
        h('td', null, b.line), h('td', null, b.column || '-'), h('td', { class: 'wrap' }, b.reason),
        h('td', { class: 'wrap' }, h('code', null, b.text || '')))), { id: 'bad-lines' }));
    }
  }
  parts.push(h('p', null, h('button', { class: 'danger', id: 'delete-dataset', onclick: async (ev) => {
    if (!confirm(`Delete dataset ${d.name || d.id}?`)) return;
    ev.target.disabled = true;
    try {
      await api(`/api/v1/datasets/${encodeURIComponent(d.id)}`, { method: 'DELETE' });
      location.hash = '#/datasets';
    } catch (e) { ev.target.after(errorBox(e)); ev.target.disabled = false; }
  } }, 'Delete')));
  return parts;
}

export async function render(main, { id, signal }) {
  for (;;) {
    const d = await api(`/api/v1/datasets/${encodeURIComponent(id)}`, { signal });
    if (signal.aborted) return;
    main.replaceChildren(...view(d));
    if (d.status === 'READY' || d.status === 'FAILED') return;
    await new Promise((r) => setTimeout(r, 1000));
    if (signal.aborted) return;
  }
}
