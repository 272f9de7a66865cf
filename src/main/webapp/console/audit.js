// The auditor's page: the usage report (/audit/reports/usage) as charts, each beside its table,
// for a date range; the CSV; and the hash chain check (/audit/verify).

import { h, clear, note, table, number, when } from './dom.js';
import { get, download, explain } from './api.js';
import { barChart } from './charts.js';

const DAY = 86400000;

function day(date) {
  return date.toISOString().slice(0, 10);
}

export async function page(view) {
  const today = new Date();
  const from = h('input', { type: 'date', id: 'from', name: 'from', value: day(new Date(today - 6 * DAY)), required: true });
  const to = h('input', { type: 'date', id: 'to', name: 'to', value: day(today), required: true });
  const output = h('div', { id: 'report' });
  const verdict = h('div', { id: 'verdict' });
  const form = h('form', { id: 'period', class: 'period' },
    h('label', {}, 'From ', from), h('label', {}, 'To (inclusive) ', to), h('button', { type: 'submit' }, 'Show'),
    h('button', { type: 'button', id: 'csv', onclick: () => csv(verdict, period()) }, 'Download CSV'),
    h('button', { type: 'button', id: 'verify', onclick: () => verify(verdict, period()) }, 'Check the audit chain'));
  const period = () => ({
    from: `${from.value}T00:00:00Z`,
    to: new Date(Date.parse(`${to.value}T00:00:00Z`) + DAY).toISOString(),
  });
  form.addEventListener('submit', event => {
    event.preventDefault();
    show(output, period());
  });
  view.append(h('h1', {}, 'Usage report'), form, verdict, output);
  show(output, period());
}

async function report(period, groupBy) {
  const params = new URLSearchParams({ ...period, group_by: groupBy });
  return get(`/api/v1/audit/reports/usage?${params}`);
}

async function show(output, period) {
  clear(output).append(note('info', 'Loading…'));
  try {
    const [days, users, models] = await Promise.all([report(period, 'day'), report(period, 'user'), report(period, 'model')]);
    clear(output).append(
      section('per-day-requests', 'Requests per day', 'day', days.groups, [['requests', 'requests']]),
      section('per-day-credits', 'Credits per day', 'day', days.groups, [['credits', 'credits']]),
      section('per-user', 'Requests and credits per user', 'user', users.groups, [['requests', 'requests'], ['credits', 'credits']]),
      section('per-model', 'Requests and credits per model', 'model', models.groups, [['requests', 'requests'], ['credits', 'credits']]),
      section('latency', 'Latency per day (ms)', 'day', days.groups,
        [['latency p50', 'latency_ms_p50'], ['latency p95', 'latency_ms_p95']], ' ms'),
      section('ttft', 'Time to first token per day (ms)', 'day', days.groups,
        [['first token p50', 'ttft_ms_p50'], ['first token p95', 'ttft_ms_p95']], ' ms'));
  } catch (error) {
    clear(output).append(note('error', explain(error)));
  }
}

function section(id, title, groupName, groups, series, unit = '') {
  const rows = groups.map(g => ({ label: g.group, values: series.map(([, field]) => g[field]) }));
  const columns = [[groupName, g => g.group], ...series.map(([name, field]) => [name, g => number(g[field])])];
  return h('section', { id, class: 'report' },
    h('div', { class: 'chart-box' }, barChart(title, series.map(([name]) => name), rows, unit)),
    table(title, columns, groups));
}

function csv(verdict, period) {
  const params = new URLSearchParams({ ...period, group_by: 'day' });
  download(`/api/v1/audit/reports/usage?${params}`, 'text/csv', `usage-${period.from.slice(0, 10)}.csv`)
    .catch(error => clear(verdict).append(note('error', explain(error))));
}

async function verify(verdict, period) {
  clear(verdict).append(note('info', 'Checking…'));
  try {
    const v = await get(`/api/v1/audit/verify?${new URLSearchParams(period)}`);
    clear(verdict).append(v.intact
      ? note('info', h('strong', {}, 'Intact. '), `${number(v.checked)} rows checked, ${number(v.unsealed)} not sealed yet.`)
      : note('error', h('strong', {}, 'Broken. '), `Row ${v.first_broken.id} (chain ${v.first_broken.chain_seq}, ${when(v.first_broken.occurred_at)}): ${v.first_broken.reason}.`));
    verdict.firstElementChild.id = 'verify-result';
    verdict.firstElementChild.dataset.intact = v.intact;
  } catch (error) {
    clear(verdict).append(note('error', explain(error)));
  }
}
