// Users' spending limits (credits per UTC day and month), listed and edited by company and
// billing admins.

import { h, clear, note, table, number } from './dom.js';
import { get, json, explain } from './api.js';

export function limits() {
  const box = h('section', { id: 'limits', class: 'card' }, h('h2', {}, 'Spending limits per user'));
  const list = h('div');
  const problem = h('div');
  const form = h('form', { id: 'limit-form', class: 'inline' },
    h('label', {}, 'User ', h('input', { name: 'user', required: true, pattern: '.{1,255}' })),
    h('label', {}, 'Per day ', h('input', { name: 'daily', type: 'number', min: 0, placeholder: 'none' })),
    h('label', {}, 'Per month ', h('input', { name: 'monthly', type: 'number', min: 0, placeholder: 'none' })),
    h('button', { type: 'submit' }, 'Set'), problem);
  const value = v => (v === '' ? null : Number(v));
  form.addEventListener('submit', async event => {
    event.preventDefault();
    const data = new FormData(form);
    try {
      await json('PUT', `/api/v1/admin/credits/limits/${encodeURIComponent(data.get('user'))}`,
        { body: { daily_credits: value(data.get('daily')), monthly_credits: value(data.get('monthly')) } });
      clear(problem);
      form.reset();
      load(list, form);
    } catch (error) {
      clear(problem).append(note('error', explain(error)));
    }
  });
  box.append(list, form);
  load(list, form);
  return box;
}

async function load(list, form) {
  try {
    const rows = await get('/api/v1/admin/credits/limits');
    const edit = row => h('button', { type: 'button', onclick: () => {
      form.elements.user.value = row.user_id;
      form.elements.daily.value = row.daily_credits ?? '';
      form.elements.monthly.value = row.monthly_credits ?? '';
      form.elements.daily.focus();
    } }, `Edit ${row.user_id}`);
    clear(list).append(table('Users with limits', [
      ['user', r => r.user_id], ['per day', r => number(r.daily_credits)],
      ['per month', r => number(r.monthly_credits)], ['', edit]], rows));
  } catch (error) {
    clear(list).append(note('error', explain(error)));
  }
}
