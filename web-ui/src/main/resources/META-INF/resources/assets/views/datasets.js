// Datasets: the list, and an upload form with a progress bar.
import { api, items, uploadDataset } from '../api.js';
import { badge, bytes, errorBox, h, num, progress, table, when } from '../ui.js';

const FORMATS = ['libsvm', 'csv', 'libffm'];

function formatOf(name) {
  const n = name.toLowerCase().replace(/\.gz$/, '');
  if (n.endsWith('.csv')) return 'csv';
  if (n.endsWith('.ffm') || n.endsWith('.libffm')) return 'libffm';
  return 'libsvm';
}

function uploadForm(onDone) {
  const file = h('input', { type: 'file', id: 'upload-file', required: true });
  const name = h('input', { id: 'upload-name', placeholder: 'from the file name' });
  const format = h('select', { id: 'upload-format' }, FORMATS.map((f) => h('option', { value: f }, f)));
  const bar = progress(0);
  const line = h('span', { class: 'muted small', id: 'upload-status' });
  const out = h('div');
  const button = h('button', { type: 'submit' }, 'Upload');
  file.addEventListener('change', () => {
    const f = file.files[0];
    if (!f) return;
    format.value = formatOf(f.name);
    if (!name.value) name.placeholder = f.name.replace(/\.gz$/i, '').replace(/\.[^.]+$/, '');
  });
  const form = h('form', { class: 'card', id: 'upload-form' },
    h('div', { class: 'grid' },
      h('div', { class: 'field' }, h('label', { for: 'upload-file' }, 'File (gzip accepted)'), file),
      h('div', { class: 'field' }, h('label', { for: 'upload-name' }, 'Name'), name),
      h('div', { class: 'field', style: 'flex:0 1 8rem' }, h('label', { for: 'upload-format' }, 'Format'), format)),
    h('div', { class: 'row', style: 'margin-top:.75rem' }, button, h('div', { class: 'grow' }, bar), line), out);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const f = file.files[0];
    if (!f) return;
    button.disabled = true;
    out.replaceChildren();
    const started = performance.now();
    try {
      const ds = await uploadDataset(f, name.value || name.placeholder, format.value, (sent, total) => {
        const secs = (performance.now() - started) / 1000;
        const rate = secs > 0 ? sent / secs : 0;
        const eta = rate > 0 ? Math.ceil((total - sent) / rate) : null;
        bar.firstChild.style.width = `${((100 * sent) / total).toFixed(1)}%`;
        bar.setAttribute('aria-valuenow', Math.floor((100 * sent) / total));
        line.textContent = sent >= total
          ? `${bytes(total)} sent · finishing ingestion…`
          : `${bytes(sent)} / ${bytes(total)} · ${bytes(Math.round(rate))}/s`
            + (eta !== null ? ` · ${eta} s left` : '');
      });
      line.textContent = 'Uploaded and ingested';
      location.hash = `#/datasets/${encodeURIComponent(ds.id)}`;
      onDone();
    } catch (e) {
      line.textContent = '';
      if (e.code === 'ingest_failed' && e.problem && e.problem.datasetId) {
        // The dataset exists, FAILED: its page shows why, with the bad lines.
        location.hash = `#/datasets/${encodeURIComponent(e.problem.datasetId)}`;
        onDone();
      } else {
        out.replaceChildren(errorBox(e));
      }
    } finally {
      button.disabled = false;
    }
  });
  return form;
}

function rowsOf(list) {
  return items(list).map((d) => h('tr', { 'data-id': d.id },
    h('td', { class: 'wrap' }, h('a', { href: `#/datasets/${encodeURIComponent(d.id)}` }, d.name || d.id)),
    h('td', null, badge(d.status)),
    h('td', { class: 'hide-narrow' }, d.format),
    h('td', null, num(d.stats && d.stats.rows)),
    h('td', { class: 'hide-narrow' }, num(d.stats && d.stats.features)),
    h('td', { class: 'hide-narrow' }, bytes(d.uploadBytes)),
    h('td', { class: 'hide-narrow' }, when(d.createdAt)),
    h('td', null, d.status === 'READY'
      ? h('a', { href: `#/jobs/new?dataset=${encodeURIComponent(d.id)}` }, 'Train') : '')));
}

export async function render(main, { query, signal }) {
  const cursor = query.get('cursor');
  const path = `/api/v1/datasets?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
  const holder = h('div');
  const more = h('div');
  main.replaceChildren(h('h1', null, 'Datasets'), uploadForm(() => {}), holder, more);
  // Refreshed while any dataset is still being ingested, so its status moves on by itself.
  for (;;) {
    const list = await api(path, { signal });
    if (signal.aborted) return;
    const rows = rowsOf(list);
    holder.replaceChildren(rows.length
      ? table(['Name', 'Status', h('th', { class: 'hide-narrow' }, 'Format'), 'Rows',
        h('th', { class: 'hide-narrow' }, 'Features'), h('th', { class: 'hide-narrow' }, 'Upload'),
        h('th', { class: 'hide-narrow' }, 'Created'), ''], rows, { id: 'datasets-table' })
      : h('p', { class: 'muted' }, 'No datasets yet: upload one above.'));
    more.replaceChildren(list && list.nextCursor
      ? h('p', null, h('a', { href: `#/datasets?cursor=${encodeURIComponent(list.nextCursor)}` }, 'Older datasets →')) : '');
    if (!items(list).some((d) => d.status === 'UPLOADED' || d.status === 'INGESTING')) return;
    await new Promise((r) => setTimeout(r, 2000));
    if (signal.aborted) return;
  }
}
