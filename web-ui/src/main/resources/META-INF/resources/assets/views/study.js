// A study: every trial's curve on one chart (stopped trials grey, cut short), the trials sortable
// by objective, each parameter against the objective, and the best trial's model.
import { api, download } from '../api.js';
import { COLORS, lineChart, scatterChart, seriesByName } from '../chart.js';
import { badge, errorBox, h, kv, num, table, when } from '../ui.js';

const LIVE = new Set(['QUEUED', 'RUNNING']);
const GREY = '#aab2bd';

export async function render(main, { id, signal }) {
  const path = `/api/v1/studies/${encodeURIComponent(id)}`;
  let sortBy = 'objective';
  let study = await api(path, { signal });
  if (signal.aborted) return;
  const bounded = (m) => (m.endsWith('auc') || m.endsWith('accuracy') ? [0, 1] : undefined);
  const curves = lineChart({ title: `${study.metric} by epoch, every trial`, width: 1000, height: 360,
    yBounds: bounded(study.metric) });
  curves.id = 'study-curves';
  const summary = h('div', { class: 'card' });
  const trialsHolder = h('div', { class: 'card' });
  const scatters = h('div', { class: 'grid', id: 'study-params' });
  main.replaceChildren(
    h('div', { class: 'row' }, h('h1', { class: 'grow' }, study.name || study.id),
      h('button', { class: 'secondary', id: 'study-cancel', onclick: async (ev) => {
        ev.target.disabled = true;
        try { study = await api(`${path}/cancel`, { method: 'POST', signal }); draw(); } catch (e) { ev.target.after(errorBox(e)); }
      } }, 'Cancel')),
    summary, curves, trialsHolder, scatters);

  const metricsOf = new Map(); // jobId → its curve's points
  function sorted() {
    const sign = study.direction === 'maximize' ? -1 : 1;
    const t = [...(study.trials || [])];
    if (sortBy === 'objective') {
      t.sort((a, b) => (a.objective == null) - (b.objective == null) || sign * (a.objective - b.objective));
    } else t.sort((a, b) => a.index - b.index);
    return t;
  }
  function draw() {
    document.getElementById('study-cancel').disabled = !LIVE.has(study.status);
    summary.replaceChildren(kv([
      ['State', badge(study.status)], ['Why', study.statusReason], ['Method', study.method],
      ['Objective', `${study.direction} ${study.metric}`],
      ['Trials', `${(study.trials || []).length} of ${study.budgetTrials}, at most ${study.maxParallel} at once`],
      ['Best', study.bestJobId ? h('a', { href: `#/jobs/${encodeURIComponent(study.bestJobId)}` },
        `${num(study.bestObjective)} (${study.bestJobId})`) : '-'],
      ['Model', study.modelId ? h('button', { id: 'study-model', onclick: async (ev) => {
        ev.target.disabled = true;
        try { await download(`/api/v1/models/${encodeURIComponent(study.modelId)}/artifact`, `${study.modelId}.bin`); } catch (e) { ev.target.after(errorBox(e)); }
        ev.target.disabled = false;
      } }, `Download ${study.modelId}`) : '-'],
      ['Created', when(study.createdAt)]]));
    curves.update((study.trials || []).map((t, i) => ({ name: `#${t.index}`,
      color: t.state === 'STOPPED' ? GREY : COLORS[i % COLORS.length], points: metricsOf.get(t.jobId) || [] })));
    const header = (label, key) => h('th', { class: 'sortable', 'data-sort': key,
      onclick: () => { sortBy = key; draw(); } }, label + (sortBy === key ? ' ▾' : ''));
    const names = Object.keys((study.trials && study.trials[0] && study.trials[0].params) || {});
    trialsHolder.replaceChildren(table([header('#', 'index'), 'Job', 'State', header(study.metric, 'objective'),
      'Epochs', ...names.map((n) => h('th', { class: 'hide-narrow' }, n))],
    sorted().map((t) => h('tr', { 'data-index': String(t.index), 'data-state': t.state,
      class: t.jobId === study.bestJobId ? 'best' : '' },
    h('td', null, String(t.index)),
    h('td', null, h('a', { href: `#/jobs/${encodeURIComponent(t.jobId)}` }, t.jobId)),
    h('td', null, badge(t.state)), h('td', null, num(t.objective)), h('td', null, num(t.epoch)),
    ...names.map((n) => h('td', { class: 'hide-narrow' }, num(t.params[n]))))), { id: 'study-trials' }));
    const done = (study.trials || []).filter((t) => typeof t.objective === 'number');
    scatters.replaceChildren(...names.map((n) => {
      const numeric = done.every((t) => typeof t.params[n] === 'number');
      const choices = [...new Set(done.map((t) => String(t.params[n])))];
      const chart = scatterChart({ title: `${study.metric} against ${n}`, xLabel: n,
        xLabels: numeric ? null : choices, log: numeric && done.length > 0 && done.every((t) => t.params[n] > 0)
          && Math.max(...done.map((t) => t.params[n])) / Math.min(...done.map((t) => t.params[n])) >= 100 });
      chart.update(done.map((t) => ({ x: numeric ? t.params[n] : choices.indexOf(String(t.params[n])), y: t.objective,
        color: t.state === 'STOPPED' ? GREY : COLORS[0], name: `#${t.index}` })));
      return chart;
    }));
  }

  const ENDED = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED', 'STOPPED']);
  const final = new Set(); // trials whose curve was read after they ended
  for (;;) {
    await Promise.all((study.trials || []).filter((t) => !final.has(t.jobId)).map(async (t) => {
      const ended = ENDED.has(t.state);
      const m = await api(`/api/v1/jobs/${encodeURIComponent(t.jobId)}/metrics?name=${study.metric}`, { signal });
      metricsOf.set(t.jobId, seriesByName(Array.isArray(m) ? m : [], [study.metric])[0].points);
      if (ended) final.add(t.jobId);
    }));
    if (signal.aborted) return;
    draw();
    if (!LIVE.has(study.status)) return;
    await new Promise((r) => setTimeout(r, 2000));
    if (signal.aborted) return;
    study = await api(path, { signal });
    if (signal.aborted) return;
  }
}
