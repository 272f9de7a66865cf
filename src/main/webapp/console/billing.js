// The billing admin's page: the company's balance over time (from its ledger), its holds by
// status, grants, the last reconciliation with the LLM service, and users' spending limits.

import { h, clear, note, table, number, when } from './dom.js';
import { get, json, explain, ApiError } from './api.js';
import { barChart } from './charts.js';
import { limits } from './limits.js';

const LEDGER_PAGES = 5;

export async function page(view) {
  view.append(h('h1', {}, 'Billing'));
  let credits;
  try {
    credits = await get('/api/v1/credits');
  } catch (error) {
    view.append(note('error', explain(error)));
    return;
  }
  const company = credits.company_id;
  const entries = await ledger();
  view.append(
    h('p', { id: 'company-balance', class: 'big' }, `${company}: ${number(credits.balance)} credits`),
    balance(credits.balance, entries),
    holds(company),
    grants(company, entries),
    reconciliation(),
    limits());
}

async function ledger() {
  const entries = [];
  let cursor = null;
  for (let i = 0; i < LEDGER_PAGES; i++) {
    const page = await get(`/api/v1/credits/ledger?limit=500${cursor ? `&cursor=${cursor}` : ''}`);
    entries.push(...page.items);
    cursor = page.next_cursor;
    if (!cursor) break;
  }
  return entries;
}

/**
 * The balance at the end of each day with entries (each hour, when the entries span two days or
 * less): the current balance, walked back entry by entry.
 */
function balance(current, entries) {
  const span = entries.length ? Date.parse(entries[0].created_at) - Date.parse(entries[entries.length - 1].created_at) : 0;
  const hourly = span <= 2 * 86400000;
  const period = e => (hourly ? `${e.created_at.slice(5, 13).replace('T', ' ')}:00` : e.created_at.slice(0, 10));
  const ends = new Map();
  let after = current;
  for (const e of entries) {
    if (!ends.has(period(e))) ends.set(period(e), after);
    after -= e.amount;
  }
  const rows = [...ends].reverse().map(([label, value]) => ({ label, values: [value] }));
  const title = hourly ? 'Balance at the end of each hour (UTC)' : 'Balance at the end of each day (UTC)';
  return h('section', { id: 'balance-history', class: 'report' },
    h('div', { class: 'chart-box' }, barChart(title, ['balance'], rows, ' credits')),
    table(title, [[hourly ? 'hour' : 'day', r => r.label], ['balance', r => number(r.values[0])]], rows));
}

function holds(company) {
  const box = h('section', { id: 'holds', class: 'report' }, note('info', 'Loading holds…'));
  Promise.all(['open', 'captured', 'released'].map(status =>
    get(`/api/v1/admin/credits/reservations?company_id=${encodeURIComponent(company)}&status=${status}&limit=500`)
      .then(list => [status, list])))
    .then(groups => {
      const rows = groups.map(([status, list]) => ({ label: status,
        values: [list.length, list.reduce((sum, r) => sum + (status === 'captured' ? r.captured : r.amount), 0)] }));
      const open = groups[0][1];
      clear(box).append(
        h('div', { class: 'chart-box' }, barChart('Holds by status (last 500 of each)', ['holds', 'credits'], rows)),
        table('Holds by status', [['status', r => r.label], ['holds', r => number(r.values[0])], ['credits', r => number(r.values[1])]], rows),
        table('Open holds', [['user', r => r.user_id], ['model', r => r.model], ['credits held', r => number(r.amount)],
          ['since', r => when(r.created_at)], ['expires', r => when(r.expires_at)]], open));
    })
    .catch(error => clear(box).append(note('error', explain(error))));
  return box;
}

function grants(company, entries) {
  const list = entries.filter(e => e.kind === 'GRANT');
  const problem = h('div');
  const form = h('form', { id: 'grant-form', class: 'inline' },
    h('label', {}, 'Credits ', h('input', { name: 'credits', type: 'number', min: 1, required: true })),
    h('button', { type: 'submit' }, `Grant to ${company}`), problem);
  // One key per filled-in form: a double click or a retried request books once.
  let key = crypto.randomUUID();
  form.addEventListener('submit', async event => {
    event.preventDefault();
    try {
      const granted = await json('POST', '/api/v1/admin/credits/grants', {
        headers: { 'Idempotency-Key': key },
        body: { company_id: company, credits: Number(new FormData(form).get('credits')) },
      });
      key = crypto.randomUUID();
      clear(problem).append(note('info', `Granted ${number(granted.credits)}; balance ${number(granted.balance)}.`));
      form.reset();
    } catch (error) {
      clear(problem).append(note('error', explain(error)));
    }
  });
  return h('section', { id: 'grants', class: 'card' }, h('h2', {}, 'Grants'),
    table('Grants', [['when', e => when(e.created_at)], ['credits', e => number(e.amount)]], list), form);
}

function reconciliation() {
  const box = h('section', { id: 'reconciliation', class: 'card' }, h('h2', {}, 'Reconciliation'));
  const body = h('div');
  const show = run => clear(body).append(table('Last reconciliation with the LLM service', [
    ['started', r => when(r.started_at)], ['period', r => `${when(r.period_from)} – ${when(r.period_to)}`],
    ['checked', r => number(r.checked)], ['adjustments', r => number(r.adjustments)],
    ['mismatches', r => number(r.mismatches)]], [run]));
  const failed = error => clear(body).append(error instanceof ApiError && error.status === 404
    ? note('info', 'No reconciliation has run yet.') : note('error', explain(error)));
  get('/api/v1/admin/credits/reconciliation').then(show, failed);
  box.append(body, h('button', { type: 'button', id: 'reconcile',
    onclick: () => json('POST', '/api/v1/admin/credits/reconciliation').then(show, failed) }, 'Reconcile now'));
  return box;
}
