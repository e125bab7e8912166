// Jobs: state, why each waits, progress; refreshes while any job is live; pick runs to compare.
import { api, items } from '../api.js';
import { badge, h, progress, table, when } from '../ui.js';

const LIVE = new Set(['QUEUED', 'ASSIGNED', 'RUNNING']);

export async function render(main, { query, signal }) {
  const picked = new Set();
  const compare = h('button', { class: 'secondary', id: 'compare-selected', disabled: true,
    onclick: () => { location.hash = `#/compare?ids=${[...picked].map(encodeURIComponent).join(',')}`; } },
  'Compare selected');
  const holder = h('div');
  main.replaceChildren(
    h('div', { class: 'row' }, h('h1', { class: 'grow' }, 'Jobs'),
      compare, h('a', { class: 'button', href: '#/jobs/new' }, 'Submit a job')),
    holder);
  const status = query.get('status');
  for (;;) {
    const list = await api(`/api/v1/jobs?limit=100${status ? `&status=${encodeURIComponent(status)}` : ''}`, { signal });
    if (signal.aborted) return;
    const jobs = items(list);
    const rows = jobs.map((j) => {
      const box = h('input', { type: 'checkbox', 'aria-label': `compare ${j.name || j.id}`, 'data-id': j.id,
        onchange: (ev) => {
          if (ev.target.checked) picked.add(j.id); else picked.delete(j.id);
          compare.disabled = picked.size < 2;
        } });
      box.checked = picked.has(j.id);
      return h('tr', { 'data-id': j.id, 'data-status': j.status },
        h('td', null, box),
        h('td', null, h('a', { href: `#/jobs/${encodeURIComponent(j.id)}` }, j.name || j.id)),
        h('td', null, badge(j.status)),
        h('td', null, progress(j.progress)),
        h('td', { class: 'hide-narrow' }, j.algorithm || '-'),
        h('td', { class: 'wrap small' }, j.statusReason || ''),
        h('td', null, when(j.createdAt)));
    });
    holder.replaceChildren(rows.length
      ? table(['', 'Name', 'State', 'Progress', h('th', { class: 'hide-narrow' }, 'Algorithm'), 'Why', 'Created'],
        rows, { id: 'jobs-table' })
      : h('p', { class: 'muted' }, 'No jobs yet. ', h('a', { href: '#/jobs/new' }, 'Submit one.')));
    const wait = jobs.some((j) => LIVE.has(j.status)) ? 2000 : 10000;
    await new Promise((r) => setTimeout(r, wait));
    if (signal.aborted) return;
  }
}
