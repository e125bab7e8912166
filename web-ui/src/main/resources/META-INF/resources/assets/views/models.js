// Models: list, download and delete.
import { api, download, items } from '../api.js';
import { bytes, errorBox, h, num, table, when } from '../ui.js';

export async function render(main, { signal }) {
  const list = await api('/api/v1/models?limit=100', { signal });
  if (signal.aborted) return;
  const rows = items(list).map((m) => {
    const metrics = m.finalMetrics || {};
    const remove = h('button', { class: 'danger', 'data-action': 'delete', onclick: async (ev) => {
      if (!window.confirm(`Delete model ${m.id} and its file? Predictions with it stop working.`)) return;
      ev.target.disabled = true;
      try {
        await api(`/api/v1/models/${encodeURIComponent(m.id)}`, { method: 'DELETE' });
        ev.target.closest('tr').remove();
      } catch (e) { ev.target.disabled = false; ev.target.after(errorBox(e)); }
    } }, 'Delete');
    return h('tr', { 'data-id': m.id },
      h('td', null, m.id),
      h('td', null, m.jobId ? h('a', { href: `#/jobs/${encodeURIComponent(m.jobId)}` }, m.jobId) : '-'),
      h('td', { class: 'hide-narrow' }, m.algorithm || '-'),
      h('td', null, num(metrics.val_auc)),
      h('td', { class: 'hide-narrow' }, bytes(m.sizeBytes)),
      h('td', null, when(m.createdAt)),
      h('td', null, h('button', { class: 'secondary', onclick: async (ev) => {
        ev.target.disabled = true;
        try { await download(`/api/v1/models/${encodeURIComponent(m.id)}/artifact`, `${m.id}.bin`); } catch (e) { ev.target.after(errorBox(e)); }
        ev.target.disabled = false;
      } }, 'Download'), ' ', remove));
  });
  main.replaceChildren(h('h1', null, 'Models'), rows.length
    ? table(['Id', 'Job', h('th', { class: 'hide-narrow' }, 'Algorithm'), 'val_auc',
      h('th', { class: 'hide-narrow' }, 'Size'), 'Created', ''], rows, { id: 'models-table' })
    : h('p', { class: 'muted' }, 'No models yet: a job that SUCCEEDS leaves one.'));
}
