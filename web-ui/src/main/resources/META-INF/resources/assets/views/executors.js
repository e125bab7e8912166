// Executors: the pool from the latest heartbeats, what each has free, and every GPU with its job.
import { api, items } from '../api.js';
import { bytes, h, table, when } from '../ui.js';

const MIB = 1024 * 1024;

export async function render(main, { signal }) {
  const holder = h('div');
  main.replaceChildren(h('h1', null, 'Executors'), holder);
  for (;;) {
    const pool = items(await api('/api/v1/executors', { signal }));
    if (signal.aborted) return;
    const rows = pool.map((e) => h('tr', { 'data-id': e.id },
      h('td', null, e.id),
      h('td', null, `${e.freeCores} of ${e.cores}`),
      h('td', { class: 'hide-narrow' }, `${bytes(e.freeMemoryMb * MIB)} of ${bytes(e.memoryMb * MIB)}`),
      h('td', null, `${e.freeGpus} of ${e.gpus}`),
      h('td', null, e.runningJobs),
      h('td', null, when(e.lastSeen))));
    const gpus = pool.flatMap((e) => (e.devices || []).map((g) => h('tr', { 'data-executor': e.id, 'data-ordinal': g.ordinal },
      h('td', null, e.id),
      h('td', null, g.ordinal),
      h('td', null, g.name),
      h('td', null, bytes(g.memoryMb * MIB)),
      h('td', { class: 'hide-narrow' }, g.computeCapability),
      h('td', null, g.jobId ? h('a', { href: `#/jobs/${encodeURIComponent(g.jobId)}` }, g.jobId) : h('span', { class: 'muted' }, 'free')))));
    holder.replaceChildren(
      rows.length
        ? table(['Executor', 'Free cores', h('th', { class: 'hide-narrow' }, 'Free memory'), 'Free GPUs', 'Jobs', 'Last seen'],
          rows, { id: 'executors-table' })
        : h('p', { class: 'muted' }, 'No executor has sent a heartbeat yet.'),
      ...(gpus.length
        ? [h('h2', null, 'GPUs'), table(['Executor', 'GPU', 'Name', 'Memory', h('th', { class: 'hide-narrow' }, 'Compute'), 'Job'],
          gpus, { id: 'gpus-table' })]
        : [h('p', { class: 'muted', id: 'no-gpus' }, 'No executor has a GPU: every job runs on CPU.')]));
    await new Promise((r) => setTimeout(r, 2000));
    if (signal.aborted) return;
  }
}
