// Compare runs: one metric, one curve per job, on one chart.
import { api, items } from '../api.js';
import { lineChart, seriesByName } from '../chart.js';
import { badge, errorBox, h } from '../ui.js';

const METRICS = ['val_auc', 'val_logloss', 'train_loss', 'val_accuracy', 'val_rmse', 'examples_per_sec'];

export async function render(main, { query, signal }) {
  const ids = (query.get('ids') || '').split(',').filter(Boolean);
  const metric = METRICS.includes(query.get('metric')) ? query.get('metric') : 'val_auc';
  const jobs = items(await api('/api/v1/jobs?limit=100', { signal }));
  if (signal.aborted) return;

  const picker = h('form', { class: 'card', id: 'compare-form' },
    h('div', { class: 'field' }, h('label', { for: 'compare-metric' }, 'Metric'),
      h('select', { id: 'compare-metric', name: 'metric' }, METRICS.map((m) => {
        const o = h('option', { value: m }, m);
        o.selected = m === metric;
        return o;
      }))),
    h('p', { class: 'small muted' }, 'Runs (pick two or more):'),
    h('div', { class: 'grid' }, jobs.map((j) => {
      const box = h('input', { type: 'checkbox', name: 'ids', value: j.id, id: `c-${j.id}` });
      box.checked = ids.includes(j.id);
      return h('label', { for: `c-${j.id}`, style: 'color:inherit' }, box, ' ', j.name || j.id, ' ', badge(j.status));
    })),
    h('p', null, h('button', { type: 'submit' }, 'Compare')));
  picker.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const picked = [...picker.querySelectorAll('input[name=ids]:checked')].map((c) => c.value);
    const m = picker.querySelector('select').value;
    location.hash = `#/compare?ids=${picked.map(encodeURIComponent).join(',')}&metric=${m}`;
  });

  const chart = lineChart({ title: `${metric} by epoch` });
  chart.id = 'compare-chart';
  main.replaceChildren(h('h1', null, 'Compare runs'), chart, picker);
  if (ids.length === 0) return;
  try {
    const series = await Promise.all(ids.map(async (id) => {
      const [job, metrics] = await Promise.all([
        api(`/api/v1/jobs/${encodeURIComponent(id)}`, { signal }),
        api(`/api/v1/jobs/${encodeURIComponent(id)}/metrics?name=${metric}`, { signal })]);
      const [s] = seriesByName(Array.isArray(metrics) ? metrics : metrics.items || [], [metric]);
      return { name: job.name || id, points: s.points };
    }));
    if (!signal.aborted) chart.update(series);
  } catch (e) {
    if (!signal.aborted) chart.before(errorBox(e));
  }
}
