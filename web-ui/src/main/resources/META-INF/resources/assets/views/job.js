// One job, live: state, progress, members, loss and AUC curves, events and log lines over SSE.
import { api, download, followEvents } from '../api.js';
import { lineChart, seriesByName } from '../chart.js';
import { badge, bytes, duration, errorBox, h, jobProgress, kv, num, progress, table, when } from '../ui.js';

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

/** Global indexes first..first+count-1 as "#0–3", one as "#2" (an index: worker #0 is one worker), none as "-". */
function span(s) {
  if (!s || !(s.count > 0)) return '-';
  return s.count === 1 ? `#${s.first}` : `#${s.first}–${s.first + s.count - 1}`;
}

function rate(v) {
  if (typeof v !== 'number') return '-';
  return v >= 1000 ? Math.round(v).toLocaleString('en') : v.toFixed(v >= 100 ? 1 : 2);
}

/**
 * The job's members, by rank: executor, data address and the GPUs it holds, workers, server shards (their key
 * ranges in the cell's tooltip), and each member's latest examples/s and bytes pushed and pulled.
 */
function membersTable(members) {
  const rows = members.map((m) => h('tr', { 'data-rank': m.rank },
    h('td', null, m.rank),
    h('td', { class: 'wrap' }, m.executorId || '-',
      m.host ? h('div', { class: 'muted small hide-narrow' }, m.port ? `${m.host}:${m.port}` : m.host) : '',
      m.gpus && m.gpus.length ? h('div', { class: 'small', 'data-field': 'gpus' }, `GPUs ${m.gpus.join(', ')}`) : ''),
    h('td', null, span(m.workers)),
    h('td', { title: (m.keyRanges || []).map(([from, to], i) => `shard ${m.servers.first + i}: keys ${from} … ${to}`).join('\n') || null },
      span(m.servers)),
    h('td', { 'data-field': 'examplesPerSec' }, rate(m.examplesPerSec)),
    h('td', { 'data-field': 'bytesPushed' }, bytes(m.bytesPushed)),
    h('td', { 'data-field': 'bytesPulled' }, bytes(m.bytesPulled)),
    h('td', { class: 'hide-narrow' }, m.examplesPerSec === null || m.examplesPerSec === undefined ? h('span', { class: 'muted' }, 'no report yet') : when(m.updatedAt))));
  return table(['Rank', 'Executor', 'Workers', 'Servers', 'Examples/s', 'Pushed', 'Pulled',
    h('th', { class: 'hide-narrow' }, 'Reported')], rows, { id: 'job-members' });
}

export async function render(main, { id, signal }) {
  const path = `/api/v1/jobs/${encodeURIComponent(id)}`;
  let job = await api(path, { signal });
  const metrics = await api(`${path}/metrics`, { signal });
  const events = await api(`${path}/events`, { signal });
  if (signal.aborted) return;

  const points = Array.isArray(metrics) ? metrics : (metrics.items || []);
  const lossChart = lineChart({ title: 'Loss' });
  const aucChart = lineChart({ title: 'Validation AUC', yBounds: [0, 1] });
  lossChart.id = 'chart-loss';
  aucChart.id = 'chart-auc';
  const redraw = () => {
    lossChart.update(seriesByName(points, LOSS));
    aucChart.update(seriesByName(points, AUC));
  };
  const head = h('div');
  const membersBox = h('div');
  const finals = h('div');
  const log = h('pre', { class: 'log', id: 'job-log' });
  const evList = Array.isArray(events) ? events : (events.items || []);
  log.textContent = evList.filter((e) => e.type !== 'PROGRESS').map(eventLine).join('\n');

  const list = (x) => (Array.isArray(x) ? x : (x && x.items) || []);
  const reload = async () => {
    const [j, m, ev] = await Promise.all([api(path, { signal }), api(`${path}/metrics`, { signal }),
      api(`${path}/events`, { signal })]);
    job = j;
    points.splice(0, points.length, ...list(m));
    redraw();
    drawHead();
    drawMembers();
    log.textContent = list(ev).filter((e) => e.type !== 'PROGRESS').map(eventLine).join('\n');
  };
  let finalsKey = null;
  const drawHead = () => {
    const cancel = TERMINAL.has(job.status) ? '' : h('button', { class: 'danger', id: 'cancel-job', onclick: async (ev) => {
      ev.target.disabled = true;
      try { await api(`${path}/cancel`, { method: 'POST' }); await reload(); } catch (e) { head.append(errorBox(e)); }
    } }, 'Cancel');
    // An ended job can go, with its metrics, events and files (a kept model must go first: 409).
    const remove = !TERMINAL.has(job.status) ? '' : h('button', { class: 'danger', id: 'delete-job', onclick: async (ev) => {
      if (!window.confirm(`Delete job ${job.name || job.id} with its metrics, events and files? This cannot be undone.`)) return;
      ev.target.disabled = true;
      try { await api(path, { method: 'DELETE' }); location.hash = '#/jobs'; } catch (e) { ev.target.disabled = false; head.append(errorBox(e)); }
    } }, 'Delete');
    head.replaceChildren(
      h('div', { class: 'row' }, h('h1', { class: 'grow' }, job.name || job.id, ' ', badge(job.status)), cancel, remove),
      h('div', { class: 'card' },
        h('div', { class: 'row' }, h('div', { class: 'grow' }, progress(jobProgress(job))),
          h('span', { id: 'job-progress' }, `${Math.floor(jobProgress(job) * 100)}%`),
          job.epoch !== undefined && job.epoch !== null ? h('span', { class: 'muted' }, `epoch ${job.epoch}`) : ''),
        job.statusReason ? h('p', { class: 'small', id: 'job-reason' }, job.statusReason) : '',
        kv([['Id', job.id], ['Algorithm', job.algorithm], ['Dataset', h('a', { href: `#/datasets/${encodeURIComponent(job.datasetId || '')}` }, job.datasetId || '-')],
          ['Executor', job.executorId], ['Attempt', job.attempt], ['Running for', job.startedAt ? duration(job.startedAt, job.finishedAt) : '-']])));
    const fm = job.finalMetrics && Object.keys(job.finalMetrics).length ? job.finalMetrics : null;
    // Redrawn only when it changes, so a button is not replaced under the user's pointer.
    const done = TERMINAL.has(job.status);
    const key = JSON.stringify([fm, job.modelId, done]);
    if (key === finalsKey) return;
    finalsKey = key;
    finals.replaceChildren(...(fm || job.modelId ? [h('h2', null, done ? 'Final metrics' : 'Latest metrics'), h('div', { class: 'card', id: 'final-metrics' },
      fm ? kv(Object.entries(fm).map(([k, v]) => [k, num(v)])) : '',
      job.modelId ? h('p', null, h('button', { id: 'download-model', onclick: async (ev) => {
        ev.target.disabled = true;
        try { await download(`/api/v1/models/${encodeURIComponent(job.modelId)}/artifact`, `${job.modelId}.bin`); } catch (e) { ev.target.after(errorBox(e)); }
        ev.target.disabled = false;
      } }, 'Download model'), ' ', h('span', { class: 'muted small' }, job.modelId)) : '')] : []));
  };
  // Redrawn when they change (each poll brings the latest stats), and each minute so that
  // "Reported" ages while a member is silent.
  let membersKey = null;
  const drawMembers = () => {
    const members = Array.isArray(job.members) ? job.members : [];
    const key = JSON.stringify([members, Math.floor(Date.now() / 60000)]);
    if (key === membersKey) return;
    membersKey = key;
    membersBox.replaceChildren(...(members.length ? [
      h('h2', null, members.length === 1 ? 'Member' : `Members (${members.length} executors)`),
      h('div', { class: 'card' }, membersTable(members))] : []));
  };
  drawHead();
  drawMembers();
  redraw();
  // Whether the event stream is open, or waits (a 429: the tenant follows too many streams).
  const live = h('p', { class: 'muted small', id: 'job-live', 'data-live': 'off' });
  main.replaceChildren(head, live, membersBox, h('div', { class: 'charts' }, lossChart, aucChart), finals,
    h('h2', null, 'Events and logs'), log,
    h('h2', null, 'Spec'), h('pre', { class: 'json' }, JSON.stringify(job.spec || {}, null, 2)));

  if (TERMINAL.has(job.status)) return;

  // The event stream brings each event at once; a slow poll covers a stream that cannot
  // connect or stalls (a proxy that buffers), and stops it once the job has ended.
  const stream = new AbortController();
  signal.addEventListener('abort', () => stream.abort());
  (async () => {
    while (!signal.aborted && !TERMINAL.has(job.status)) {
      await new Promise((r) => setTimeout(r, 5000));
      if (signal.aborted) return;
      try { await reload(); } catch { /* the next round or the stream will tell */ }
    }
    stream.abort();
  })();
  const lastId = evList.length ? evList[evList.length - 1].id : null;
  try {
    await followEvents(`${path}/events`, lastId, (ev) => {
      let e;
      try { e = JSON.parse(ev.data); } catch { return; }
      const type = e.type || ev.type;
      if (type === 'METRIC' && e.metrics) {
        for (const [name, value] of Object.entries(e.metrics)) points.push({ name, value, epoch: e.epoch, step: e.step });
        redraw();
        if (typeof e.epoch === 'number') { job.epoch = e.epoch; drawHead(); }
      }
      if (type === 'PROGRESS' && typeof e.progress === 'number') { job.progress = e.progress; drawHead(); return; }
      if (type === 'STATE') {
        job.status = e.state;
        job.statusReason = e.reason;
        drawHead();
        // a placement (or a requeue) changes the members: read the job again
        api(path, { signal }).then((j) => { job = j; drawHead(); drawMembers(); }).catch(() => { /* the poll will */ });
      }
      log.textContent += (log.textContent ? '\n' : '') + eventLine({ ...e, type });
      log.scrollTop = log.scrollHeight;
    }, stream.signal, ({ live: on, waitMs, error }) => {
      live.dataset.live = on ? 'on' : 'waiting';
      live.textContent = on ? 'Live' : `Live updates paused (${error.message}); trying again in ${Math.ceil(waitMs / 1000)} s, `
        + 'and the page refreshes every 5 s meanwhile.';
    });
    live.dataset.live = 'off';
    live.textContent = '';
    if (!signal.aborted) await reload();
  } catch (e) {
    if (!stream.signal.aborted) main.prepend(errorBox(e));
  }
}
