// The company admin's page: API keys for the company's services (the secret shown once, at
// creation), and users' spending limits.

import { h, clear, note, table, when } from './dom.js';
import { get, json, explain, roles } from './api.js';
import { limits } from './limits.js';

const GRANTABLE = ['user', 'auditor', 'billing_admin', 'company_admin'];

export async function page(view) {
  view.append(h('h1', {}, 'Company admin'), keys(), limits());
}

function keys() {
  const list = h('div', { id: 'key-list' });
  const secret = h('div', { id: 'key-secret' });
  const mine = roles();
  const form = h('form', { id: 'key-form', class: 'card' },
    h('h2', {}, 'New API key'),
    h('label', {}, 'Service user ', h('input', { name: 'service_user', required: true, pattern: '[A-Za-z0-9._\\-]{1,100}' })),
    h('fieldset', {}, h('legend', {}, 'Roles'), GRANTABLE.filter(role => mine.has(role) || role === 'user').map(role =>
      h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'roles', value: role, checked: role === 'user' }), ` ${role}`))),
    h('label', {}, 'Models (comma-separated, empty: all) ', h('input', { name: 'models' })),
    h('label', {}, 'Credits per day ', h('input', { name: 'daily', type: 'number', min: 0, placeholder: 'no limit' })),
    h('button', { type: 'submit' }, 'Create key'));
  form.addEventListener('submit', async event => {
    event.preventDefault();
    const data = new FormData(form);
    const models = data.get('models').split(',').map(m => m.trim()).filter(Boolean);
    try {
      const key = await json('POST', '/api/v1/admin/api-keys', { body: {
        service_user: data.get('service_user'), roles: data.getAll('roles'),
        models: models.length ? models : undefined,
        daily_credits: data.get('daily') === '' ? undefined : Number(data.get('daily')),
      } });
      clear(secret).append(note('notice', 'The key ', h('strong', {}, key.prefix), ' was made. Copy its secret now: it is not shown again. ',
        h('code', { id: 'new-secret' }, key.secret)));
      form.reset();
      load(list);
    } catch (error) {
      clear(secret).append(note('error', explain(error)));
    }
  });
  load(list);
  return h('section', { id: 'api-keys' }, h('h2', {}, 'API keys'), form, secret, list);
}

async function load(list) {
  try {
    const rows = await get('/api/v1/admin/api-keys');
    const revoke = key => key.revoked_at ? `revoked ${when(key.revoked_at)}` : h('button', {
      type: 'button', class: 'revoke', dataset: { key: key.prefix }, onclick: async () => {
        try {
          await json('DELETE', `/api/v1/admin/api-keys/${key.id}`);
          load(list);
        } catch (error) {
          list.append(note('error', explain(error)));
        }
      } }, `Revoke ${key.prefix}`);
    clear(list).append(table('Keys', [
      ['key', k => k.prefix], ['service user', k => k.service_user], ['roles', k => [...k.roles].join(', ')],
      ['models', k => (k.models ? [...k.models].join(', ') : 'all')], ['created', k => when(k.created_at)],
      ['last used', k => when(k.last_used_at)], ['status', revoke]], rows));
  } catch (error) {
    clear(list).append(note('error', explain(error)));
  }
}
