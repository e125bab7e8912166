// The signed-in tenant's quotas: what it uses of each limit an admin set (or the server's default).
import { api } from '../api.js';
import { bytes, h, num, progress, table } from '../ui.js';

const QUOTAS = [
  ['storageBytes', 'Storage', bytes, 'datasets, open uploads and models'],
  ['concurrentJobs', 'Jobs not ended', num, 'queued, assigned or running'],
  ['openUploads', 'Open uploads', num, 'resumable uploads not yet completed'],
  ['gpus', 'GPUs', num, 'asked for by the jobs not ended'],
];

export async function render(main, { signal }) {
  const tenant = localStorage.getItem('trainyard.tenant');
  if (!tenant) {
    main.replaceChildren(h('h1', null, 'Quota'), h('p', null, 'Sign in again to see your tenant\'s quota.'));
    return;
  }
  const q = await api(`/api/v1/tenants/${encodeURIComponent(tenant)}/quota`, { signal });
  if (signal.aborted) return;
  const rows = QUOTAS.map(([key, label, format, what]) => {
    const used = q.used[key];
    const limit = q[key];
    const unlimited = limit === null || limit === undefined;
    return h('tr', { 'data-quota': key },
      h('td', null, label, h('div', { class: 'muted small hide-narrow' }, what)),
      h('td', { 'data-field': 'used' }, format(used)),
      h('td', { 'data-field': 'limit' }, unlimited ? h('span', { class: 'muted' }, 'unlimited') : format(limit)),
      h('td', { style: 'width:25%' }, unlimited ? '' : progress(limit > 0 ? used / limit : 1)));
  });
  main.replaceChildren(h('h1', null, `Quota of ${q.tenant}`),
    h('div', { class: 'card' }, table(['Quota', 'Used', 'Limit', ''], rows, { id: 'quota-table' })),
    h('p', { class: 'muted small' }, 'Past a limit the server refuses the request (403 quota_exceeded): delete datasets, '
      + 'models or ended jobs, or ask an admin to raise it.'));
}
