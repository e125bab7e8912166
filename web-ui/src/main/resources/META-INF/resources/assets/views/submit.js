// Submit a job: a form with every field of the job spec (docs/FORMATS.md), empty fields take
// the server's defaults; the server's validation errors appear next to their fields.
import { api, ApiError, items } from '../api.js';
import { errorBox, h } from '../ui.js';

// [path, label, kind, default shown as hint, extra]
const FIELDS = [
  ['Job', [
    ['name', 'Name', 'text', 'required', { required: true, maxlength: 200 }],
    ['algorithm', 'Algorithm', ['linear', 'fm', 'mlp'], 'required', { required: true }],
    ['dataset', 'Training dataset', 'dataset', 'required', { required: true }],
    ['validation.fraction', 'Validation fraction', 'number', '(0, 0.5]; or a dataset below', { min: 0, max: 0.5, step: 'any' }],
    ['validation.dataset', 'Validation dataset', 'dataset', 'instead of a fraction', {}],
    ['priority', 'Priority', 'int', 'default 0; -1000..1000', { min: -1000, max: 1000 }],
  ]],
  ['Learning', [
    ['params.loss', 'Loss', ['', 'logistic', 'squared', 'hinge', 'softmax'], 'default logistic', {}],
    ['params.optimizer', 'Optimizer', ['', 'ftrl', 'adagrad', 'sgd', 'adam'], 'default adagrad (mlp: adam)', {}],
    ['params.learningRate', 'Learning rate', 'number', 'default 0.03 (mlp: 0.001); (0, 100]', { min: 0, max: 100, step: 'any' }],
    ['params.l1', 'L1', 'number', 'default 0', { min: 0, step: 'any' }],
    ['params.l2', 'L2', 'number', 'default 0.0001 (fm: 0.001, mlp: 0)', { min: 0, step: 'any' }],
    ['params.epochs', 'Epochs', 'int', 'default 3; 1..10000', { min: 1, max: 10000 }],
    ['params.batchSize', 'Batch size', 'int', 'default 200 (fm: 500, mlp: 128)', { min: 1, max: 1000000 }],
    ['params.dim', 'Embedding dim (fm)', 'int', 'default 8; 1..1024', { min: 1, max: 1024, 'data-algo': 'fm' }],
    ['params.threshold', 'Embedding threshold (fm)', 'int', 'default 50', { min: 0, 'data-algo': 'fm' }],
    ['params.hidden', 'Hidden layers (mlp)', 'list', 'e.g. 64,32; default 256', { 'data-algo': 'mlp' }],
    ['params.hashBits', 'Hash bits', 'int', 'default 0 (off); 1..40', { min: 0, max: 40 }],
    ['params.seed', 'Seed', 'int', 'default 1', {}],
  ]],
  ['Resources and limits', [
    ['resources.executors', 'Executors', 'int', 'default 1; 1..64, each runs a worker and a server', { min: 1, max: 64 }],
    ['resources.workers', 'Workers', 'int', 'default 2 per executor; 1..256 in all', { min: 1, max: 256 }],
    ['resources.servers', 'Servers', 'int', 'default 1 per executor; 1..64 in all', { min: 1, max: 64 }],
    ['resources.gpus', 'GPUs', 'int', 'default 0', { min: 0, max: 64 }],
    ['consistency.maxDelay', 'Max delay τ', 'int', 'default 4; 0 sequential, -1 eventual', { min: -1 }],
    ['stopping.maxSeconds', 'Time limit (s)', 'int', 'default 3600', { min: 1, max: 2592000 }],
  ]],
];

function control(path, kind, extra, datasets) {
  const id = `f-${path.replace(/\./g, '-')}`;
  let c;
  if (Array.isArray(kind)) {
    c = h('select', { id, name: path }, kind.map((v) => h('option', { value: v }, v || '(default)')));
  } else if (kind === 'dataset') {
    c = h('select', { id, name: path },
      h('option', { value: '' }, extra.required ? 'choose a READY dataset' : '(none)'),
      datasets.map((d) => h('option', { value: d.id }, `${d.name} (${d.id})`)));
  } else {
    c = h('input', { id, name: path, type: kind === 'int' || kind === 'number' ? 'number' : 'text',
      step: kind === 'int' ? 1 : extra.step, inputmode: kind === 'list' ? 'numeric' : null });
  }
  for (const [k, v] of Object.entries(extra)) if (k !== 'step' && k !== 'data-algo') c.setAttribute(k, v);
  c.dataset.path = path;
  c.dataset.kind = Array.isArray(kind) ? 'choice' : kind;
  return c;
}

/** The spec from the form: only fields the user filled in. */
export function specOf(form) {
  const spec = {};
  for (const c of form.querySelectorAll('[data-path]')) {
    if (c.closest('.field').hidden) continue;
    const raw = c.value.trim();
    if (raw === '') continue;
    let v = raw;
    if (c.dataset.kind === 'int' || c.dataset.kind === 'number') v = Number(raw);
    if (c.dataset.kind === 'list') v = raw.split(/[\s,]+/).filter(Boolean).map(Number);
    const parts = c.dataset.path.split('.');
    let o = spec;
    for (const p of parts.slice(0, -1)) o = o[p] ||= {};
    o[parts[parts.length - 1]] = v;
  }
  return spec;
}

export async function render(main, { query, signal }) {
  const all = items(await api('/api/v1/datasets?limit=200', { signal }));
  if (signal.aborted) return;
  const datasets = all.filter((d) => d.status === 'READY');
  const form = h('form', { id: 'submit-form', novalidate: true });
  for (const [legend, fields] of FIELDS) {
    form.append(h('fieldset', null, h('legend', null, legend), h('div', { class: 'grid' },
      fields.map(([path, label, kind, hint, extra]) => h('div', { class: 'field', 'data-algo': extra['data-algo'] || null },
        h('label', { for: `f-${path.replace(/\./g, '-')}` }, label),
        control(path, kind, extra, datasets),
        h('span', { class: 'hint' }, hint),
        h('span', { class: 'msg', 'data-msg': path }))))));
  }
  const preview = h('pre', { class: 'json', id: 'spec-preview' });
  const top = h('div');
  const button = h('button', { type: 'submit', id: 'submit-job' }, 'Submit');
  form.append(top, h('div', { class: 'row' }, button, h('span', { class: 'muted small' }, 'Empty fields take the defaults shown.')),
    h('h2', null, 'The spec that will be sent'), preview);

  const algo = form.querySelector('[name="algorithm"]');
  const sync = () => {
    for (const f of form.querySelectorAll('.field[data-algo]')) f.hidden = f.dataset.algo !== algo.value;
    preview.textContent = JSON.stringify(specOf(form), null, 2);
  };
  algo.value = query.get('algorithm') || 'linear';
  if (query.get('dataset')) form.querySelector('[name="dataset"]').value = query.get('dataset');
  const ds = datasets.find((d) => d.id === query.get('dataset'));
  form.querySelector('[name="name"]').value = ds ? `${algo.value}-${ds.name}` : '';
  form.addEventListener('input', sync);
  sync();

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    for (const m of form.querySelectorAll('[data-msg]')) m.textContent = '';
    for (const c of form.querySelectorAll('.invalid')) c.classList.remove('invalid');
    top.replaceChildren();
    const missing = [...form.querySelectorAll('[required]')].filter((c) => !c.value.trim());
    if (missing.length) {
      for (const c of missing) mark(form, c.dataset.path, 'required');
      return;
    }
    button.disabled = true;
    try {
      const job = await api('/api/v1/jobs', { method: 'POST', json: specOf(form),
        extraHeaders: { 'Idempotency-Key': crypto.randomUUID ? crypto.randomUUID() : String(Math.random()) } });
      location.hash = `#/jobs/${encodeURIComponent(job.id)}`;
    } catch (e) {
      top.replaceChildren(errorBox(e));
      if (e instanceof ApiError) {
        if (e.field) mark(form, e.field.replace(/\[\d+\]$/, ''), e.message);
        for (const x of e.errors) if (x.field) mark(form, x.field, x.message || x.code);
      }
    } finally {
      button.disabled = false;
    }
  });
  main.replaceChildren(h('h1', null, 'Submit a job'),
    datasets.length ? '' : h('p', { class: 'error' }, 'No READY dataset yet: ', h('a', { href: '#/datasets' }, 'upload one first.')),
    h('div', { class: 'card' }, form));
}

function mark(form, path, message) {
  const c = form.querySelector(`[data-path="${CSS.escape(path)}"]`);
  const m = form.querySelector(`[data-msg="${CSS.escape(path)}"]`);
  if (c) c.classList.add('invalid');
  if (m) m.textContent = message;
}
