// One job, live: state, progress, loss and AUC curves, events and log lines over SSE.
import { api, download, followEvents } from '../api.js';
import { lineChart, seriesByName } from '../chart.js';
import { badge, duration, errorBox, h, kv, num, progress } from '../ui.js';

const TERMINAL = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED']);
const LOSS = ['train_loss', 'val_logloss'];
const AUC = ['val_auc'];

function eventLine(e) {
  const t = e.time ? new Date(e.time).toLocaleTimeString() : '';
  switch (e.type) {
    case 'STATE': return `${t}  ${e.state}${e.reason ? ` (${e.reason})` : ''}`;
    case 'METRIC': return `${t}  epoch ${e.epoch ?? '-'}  ${Object.entries(e.metrics || {})
      .map(([k, v]) => `${k} ${num(v)}`).join('  ')}`;
    case 'MODEL': return `${t}  model written`;
    default: return `${t}  ${e.message || ''}`;
  }
}

export async function render(main, { id, signal }) {
  const path = `/api/v1/jobs/${encodeURIComponent(id)}`;
  let job = await api(path, { signal });
  const metrics = await api(`${path}/metrics`, { signal });
  const events = await api(`${path}/events`, { signal });
  if (signal.aborted) return;

  const points = Array.isArray(metrics) ? metrics : (metrics.items || []);
  const lossChart = lineChart({ title: 'Loss' });
  const aucChart = lineChart({ title: 'Validation AUC' });
  lossChart.id = 'chart-loss';
  aucChart.id = 'chart-auc';
  const redraw = () => {
    lossChart.update(seriesByName(points, LOSS));
    aucChart.update(seriesByName(points, AUC));
  };
  const head = h('div');
  const finals = h('div');
  const log = h('pre', { class: 'log', id: 'job-log' });
  const evList = Array.isArray(events) ? events : (events.items || []);
  log.textContent = evList.filter((e) => e.type !== 'PROGRESS').map(eventLine).join('\n');

  const drawHead = () => {
    const cancel = TERMINAL.has(job.status) ? '' : h('button', { class: 'danger', id: 'cancel-job', onclick: async (ev) => {
      ev.target.disabled = true;
      try { job = await api(`${path}/cancel`, { method: 'POST' }) || job; drawHead(); } catch (e) { head.append(errorBox(e)); }
    } }, 'Cancel');
    head.replaceChildren(
      h('div', { class: 'row' }, h('h1', { class: 'grow' }, job.name || job.id, ' ', badge(job.status)), cancel),
      h('div', { class: 'card' },
        h('div', { class: 'row' }, h('div', { class: 'grow' }, progress(job.progress)),
          h('span', { id: 'job-progress' }, `${Math.floor((job.progress || 0) * 100)}%`),
          job.epoch !== undefined && job.epoch !== null ? h('span', { class: 'muted' }, `epoch ${job.epoch}`) : ''),
        job.statusReason ? h('p', { class: 'small', id: 'job-reason' }, job.statusReason) : '',
        kv([['Id', job.id], ['Algorithm', job.algorithm], ['Dataset', h('a', { href: `#/datasets/${encodeURIComponent(job.datasetId || '')}` }, job.datasetId || '-')],
          ['Executor', job.executorId], ['Attempt', job.attempt], ['Running for', job.startedAt ? duration(job.startedAt, job.finishedAt) : '-']])));
    const fm = job.finalMetrics && Object.keys(job.finalMetrics).length ? job.finalMetrics : null;
    finals.replaceChildren(...(fm || job.modelId ? [h('h2', null, 'Result'), h('div', { class: 'card', id: 'final-metrics' },
      fm ? kv(Object.entries(fm).map(([k, v]) => [k, num(v)])) : '',
      job.modelId ? h('p', null, h('button', { id: 'download-model', onclick: async (ev) => {
        ev.target.disabled = true;
        try { await download(`/api/v1/models/${encodeURIComponent(job.modelId)}/artifact`, `${job.modelId}.bin`); } catch (e) { ev.target.after(errorBox(e)); }
        ev.target.disabled = false;
      } }, 'Download model'), ' ', h('span', { class: 'muted small' }, job.modelId)) : '')] : []));
  };
  drawHead();
  redraw();
  main.replaceChildren(head, h('div', { class: 'charts' }, lossChart, aucChart), finals,
    h('h2', null, 'Events and logs'), log,
    h('h2', null, 'Spec'), h('pre', { class: 'json' }, JSON.stringify(job.spec || {}, null, 2)));

  if (TERMINAL.has(job.status)) return;
  const lastId = evList.length ? evList[evList.length - 1].id : null;
  const refreshJob = async () => { job = await api(path, { signal }); drawHead(); };
  try {
    await followEvents(`${path}/events`, lastId, (ev) => {
      let e;
      try { e = JSON.parse(ev.data); } catch { return; }
      const type = e.type || ev.type;
      if (type === 'METRIC' && e.metrics) {
        for (const [name, value] of Object.entries(e.metrics)) points.push({ name, value, epoch: e.epoch, step: e.step });
        redraw();
      }
      if (type === 'PROGRESS' && typeof e.progress === 'number') { job.progress = e.progress; drawHead(); return; }
      if (type === 'STATE') { refreshJob().catch(() => {}); }
      log.textContent += (log.textContent ? '\n' : '') + eventLine({ ...e, type });
      log.scrollTop = log.scrollHeight;
    }, signal);
    await refreshJob();
  } catch (e) {
    if (!signal.aborted) main.prepend(errorBox(e));
  }
}
