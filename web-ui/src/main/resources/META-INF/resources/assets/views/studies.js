// Studies: state, method, objective and the best so far; refreshes while any study is live.
import { api, items } from '../api.js';
import { badge, h, num, table, when } from '../ui.js';

const LIVE = new Set(['QUEUED', 'RUNNING']);

export async function render(main, { signal }) {
  const holder = h('div');
  main.replaceChildren(h('h1', null, 'Studies'), holder);
  for (;;) {
    const studies = items(await api('/api/v1/studies?limit=100', { signal }));
    if (signal.aborted) return;
    const rows = studies.map((s) => h('tr', { 'data-id': s.id, 'data-status': s.status },
      h('td', { class: 'wrap' }, h('a', { href: `#/studies/${encodeURIComponent(s.id)}` }, s.name || s.id)),
      h('td', null, badge(s.status)),
      h('td', null, s.method),
      h('td', { class: 'hide-narrow' }, `${s.direction} ${s.metric}`),
      h('td', null, num(s.bestObjective)),
      h('td', { class: 'hide-narrow' }, String(s.budgetTrials)),
      h('td', { class: 'hide-narrow' }, when(s.createdAt))));
    holder.replaceChildren(rows.length
      ? table(['Name', 'State', 'Method', h('th', { class: 'hide-narrow' }, 'Objective'), 'Best',
        h('th', { class: 'hide-narrow' }, 'Trials'), h('th', { class: 'hide-narrow' }, 'Created')],
      rows, { id: 'studies-table' })
      : h('p', { class: 'muted' }, 'No studies yet: POST /api/v1/studies or `trainyard studies submit`.'));
    await new Promise((r) => setTimeout(r, studies.some((s) => LIVE.has(s.status)) ? 2000 : 10000));
    if (signal.aborted) return;
  }
}
