// Sign in with an API token; it is kept in this browser's localStorage.
import { api, token } from '../api.js';
import { errorBox, h } from '../ui.js';

export async function render(main) {
  token.clear();
  document.getElementById('signout').textContent = 'Sign in';
  const input = h('input', { id: 'token', type: 'password', autocomplete: 'current-password',
    placeholder: 'ty_…', required: true, style: 'width:100%' });
  const status = h('div');
  const form = h('form', { class: 'card', id: 'signin-form' },
    h('label', { for: 'token' }, 'API token'), input,
    h('p', { class: 'muted small' }, 'The all-in-one server prints its admin token at first start and keeps it in data/admin-token.'),
    h('button', { type: 'submit' }, 'Sign in'), status);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    token.set(input.value);
    status.replaceChildren(h('p', { class: 'muted' }, 'Checking…'));
    try {
      await api('/api/v1/datasets?limit=1');
      location.hash = '#/jobs';
    } catch (e) {
      token.clear();
      status.replaceChildren(errorBox(e.status === 401 ? new Error('This token is not valid.') : e));
    }
  });
  main.replaceChildren(h('h1', null, 'Sign in'), form);
  input.focus();
}
