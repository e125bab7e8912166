// The dashboard's router: #/route → a view module rendered into <main>.
import { token } from './api.js';
import { errorBox, h } from './ui.js';

const routes = [
  [/^#\/signin$/, 'signin', 'signin'],
  [/^#\/datasets$/, 'datasets', 'datasets'],
  [/^#\/datasets\/([^/?]+)$/, 'dataset', 'datasets'],
  [/^#\/jobs$/, 'jobs', 'jobs'],
  [/^#\/jobs\/new(?:\?.*)?$/, 'submit', 'submit'],
  [/^#\/jobs\/([^/?]+)$/, 'job', 'jobs'],
  [/^#\/compare(?:\?.*)?$/, 'compare', 'compare'],
  [/^#\/studies$/, 'studies', 'studies'],
  [/^#\/studies\/([^/?]+)$/, 'study', 'studies'],
  [/^#\/models$/, 'models', 'models'],
  [/^#\/executors$/, 'executors', 'executors'],
  [/^#\/quota$/, 'quota', 'quota'],
];

let current = null; // {abort: AbortController}

function query() {
  const i = location.hash.indexOf('?');
  return new URLSearchParams(i < 0 ? '' : location.hash.slice(i + 1));
}

async function route() {
  if (current) current.abort.abort();
  const main = document.getElementById('main');
  let hash = location.hash || '#/jobs';
  if (!token.get() && hash !== '#/signin') hash = '#/signin';
  if (hash !== location.hash) { history.replaceState(null, '', hash); }
  const match = routes.map(([re, view, nav]) => [re.exec(hash), view, nav]).find(([m]) => m);
  const abort = new AbortController();
  current = { abort };
  for (const a of document.querySelectorAll('#nav a')) {
    a.classList.toggle('active', match && a.dataset.nav === match[2]);
  }
  const signout = document.getElementById('signout');
  const tenant = localStorage.getItem('trainyard.tenant');
  signout.textContent = token.get() ? `Sign out${tenant ? ` (${tenant})` : ''}` : 'Sign in';
  if (!match) {
    main.replaceChildren(h('h1', null, 'Not found'), h('p', null, h('a', { href: '#/jobs' }, 'Go to jobs')));
    return;
  }
  const [m, view] = match;
  try {
    const mod = await import(`./views/${view}.js`);
    if (abort.signal.aborted) return;
    await mod.render(main, { id: m[1] && decodeURIComponent(m[1]), query: query(), signal: abort.signal });
  } catch (e) {
    if (abort.signal.aborted) return;
    main.replaceChildren(errorBox(e));
  }
}

document.getElementById('signout').addEventListener('click', () => { token.clear(); localStorage.removeItem('trainyard.tenant'); });
window.addEventListener('hashchange', route);
route();
