// The user's page: sessions (newest first, paged), a session's history, and a chat box whose
// answer renders token by token as it streams (POST and the fetch body reader, not EventSource,
// which cannot POST or send a bearer token).

import { h, clear, note, when, number } from './dom.js';
import { get, send, failure, explain, ApiError } from './api.js';
import { events } from './sse.js';
import { render } from './markdown.js';

const PAGE = 20;

export async function page(view, sessionId) {
  const state = { sessionId, controller: null };
  const list = h('ul', { id: 'sessions', class: 'sessions' });
  const more = h('button', { type: 'button', id: 'more-sessions', hidden: true }, 'Older sessions');
  const log = h('section', { id: 'conversation', class: 'conversation', 'aria-live': 'off', 'aria-label': 'Conversation' });
  const notices = h('div', { id: 'notices' });
  const credits = h('p', { id: 'credits', class: 'credits' });
  // The answer region is not live (a screen reader would read every token); this line says when it ends.
  const spoken = h('p', { id: 'spoken', class: 'sr-only', 'aria-live': 'polite' });
  const models = h('select', { id: 'model', name: 'model', 'aria-label': 'Model' });
  const query = h('textarea', { id: 'query', name: 'query', rows: 3, required: true, maxlength: 16000,
    placeholder: 'Ask something…', 'aria-label': 'Your message' });
  const sendButton = h('button', { type: 'submit', id: 'send' }, 'Send');
  const stop = h('button', { type: 'button', id: 'stop', disabled: true }, 'Stop');
  const form = h('form', { id: 'chat-form', class: 'ask' }, query, h('div', { class: 'row' }, models, sendButton, stop));

  view.append(h('div', { class: 'chat' },
    h('aside', { 'aria-label': 'Sessions' }, h('h2', {}, 'Sessions'),
      h('p', {}, h('a', { href: '#/chat', id: 'new-chat' }, 'New chat')), list, more),
    h('div', { class: 'talk' }, h('h1', { id: 'title' }, sessionId ? title(sessionId) : 'New chat'), log, notices, form, credits, spoken)));

  loadSessions(list, more, null, sessionId);
  loadModels(models);
  showCredits(credits);
  if (sessionId) loadHistory(log, notices, sessionId);

  stop.addEventListener('click', () => state.controller?.abort());
  form.addEventListener('submit', event => {
    event.preventDefault();
    const text = query.value.trim();
    if (!text || state.controller) return;
    query.value = '';
    ask(state, { log, notices, credits, spoken, list, more, sendButton, stop }, text, models.value || undefined);
  });
  query.addEventListener('keydown', event => {
    if (event.key === 'Enter' && !event.shiftKey) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
}

async function loadSessions(list, more, cursor, current) {
  try {
    const params = new URLSearchParams({ limit: PAGE });
    if (cursor) params.set('cursor', cursor);
    const page = await get(`/api/v1/sessions?${params}`);
    for (const s of page.items) {
      list.append(h('li', {}, h('a', { href: `#/chat/${s.session_id}`, 'aria-current': s.session_id === current ? 'page' : false },
        when(s.last_activity_at), h('span', { class: 'meta' }, ` · ${s.message_count} messages · ${s.credits_used} credits`))));
    }
    more.hidden = !page.next_cursor;
    more.onclick = () => loadSessions(list, more, page.next_cursor, current);
  } catch (error) {
    list.append(h('li', {}, note('error', explain(error))));
  }
}

async function loadModels(select) {
  try {
    const models = await get('/v1/models');
    select.replaceChildren(...models.data.map(m => h('option', { value: m.id }, m.id)));
  } catch {
    select.replaceChildren(h('option', { value: '' }, 'default model'));
  }
}

async function showCredits(el, cost) {
  try {
    const c = await get('/api/v1/credits');
    const limit = c.daily_limit != null ? ` · today ${number(c.used_today)} of ${number(c.daily_limit)}` : ` · used today ${number(c.used_today)}`;
    el.replaceChildren(cost ?? '', h('span', { id: 'balance' }, `Credits left: ${number(c.balance)}`), limit);
  } catch (error) {
    el.replaceChildren(cost ?? '', explain(error));
  }
}

async function loadHistory(log, notices, sessionId) {
  try {
    const history = await get(`/api/v1/sessions/${encodeURIComponent(sessionId)}/messages`);
    for (const m of history.messages) log.append(message(m.role, m.content));
  } catch (error) {
    const text = error instanceof ApiError && error.status === 404
      ? 'Session not found: it does not exist, or it is not yours.'
      : explain(error);
    notices.append(note('error', text));
    document.getElementById('chat-form').hidden = error instanceof ApiError && error.status === 404;
  }
}

function title(sessionId) {
  return `Session ${sessionId.slice(0, 8)}`;
}

function creditsText(n) {
  return `${number(n)} ${n === 1 ? 'credit' : 'credits'}`;
}

function message(role, content) {
  const body = h('div', { class: 'text' });
  if (role === 'assistant') body.append(render(content)); else body.textContent = content;
  return h('article', { class: `message ${role}` }, h('h3', { class: 'role' }, role === 'assistant' ? 'Answer' : 'You'), body);
}

async function ask(state, ui, text, model) {
  const { log, notices, credits, spoken, list, more, sendButton, stop } = ui;
  const fresh = !state.sessionId;
  notices.replaceChildren();
  log.append(message('user', text));
  const answer = message('assistant', '');
  const body = answer.querySelector('.text');
  answer.classList.add('streaming');
  answer.id = 'answer';
  log.querySelector('#answer')?.removeAttribute('id');
  log.append(answer);
  state.controller = new AbortController();
  sendButton.disabled = true;
  stop.disabled = false;
  let started = null;
  let content = '';
  let tokens = 0;
  let ended = false;
  const retry = () => h('button', { type: 'button', class: 'retry', onclick: () => {
    answer.remove();
    ask(state, ui, text, model);
  } }, 'Retry');
  try {
    const response = await send('POST', '/api/v1/chat/stream', {
      accept: 'text/event-stream', signal: state.controller.signal,
      body: { query: text, session_id: state.sessionId ?? undefined, model },
    });
    for await (const event of events(response)) {
      const data = JSON.parse(event.data);
      if (event.type === 'meta') {
        started = data;
        if (!state.sessionId) {
          state.sessionId = data.session_id;
          history.replaceState(null, '', `#/chat/${data.session_id}`);
          document.getElementById('title').textContent = title(data.session_id);
        }
      } else if (event.type === 'notice') {
        notices.append(note('notice', data.code === 'session_recreated'
          ? 'This session was recreated by the LLM service: the model no longer sees the earlier messages.'
          : data.message));
      } else if (event.type === 'token') {
        content += data.content;
        tokens++;
        body.replaceChildren(render(content));
        answer.dataset.tokens = tokens;
      } else if (event.type === 'usage') {
        answer.dataset.cost = data.credits_charged;
        showCredits(credits, h('span', { id: 'cost' },
          `This answer cost ${creditsText(data.credits_charged)} (${data.prompt_tokens} prompt + ${data.completion_tokens} completion tokens). `));
      } else if (event.type === 'done') {
        ended = true;
        spoken.textContent = `Answer complete: ${tokens} tokens.`;
      } else if (event.type === 'error') {
        ended = true;
        const wait = data.retry_after_ms ? ` Retry in ${Math.ceil(data.retry_after_ms / 1000)} seconds.` : '';
        notices.append(note('error', `The answer broke off: ${data.message}.${wait}`, ' ', retry()));
        billed(notices, credits, started, tokens);
      }
    }
    if (!ended) {
      notices.append(note('error', 'The connection was lost before the answer ended.', ' ', retry()));
      billed(notices, credits, started, tokens);
    }
  } catch (error) {
    if (error.name === 'AbortError') {
      notices.append(note('notice', h('span', { id: 'stopped' }, `Stopped after ${tokens} tokens.`)));
      billed(notices, credits, started, tokens);
    } else if (error instanceof ApiError) {
      if (!content) answer.remove();
      const again = [503, 504].includes(error.status) || error.status === 429;
      notices.append(note('error', h('span', { class: 'problem', 'data-status': error.status }, explain(error)), ' ', again ? retry() : ''));
    } else {
      notices.append(note('error', 'The connection was lost before the answer ended.', ' ', retry()));
      billed(notices, credits, started, tokens);
    }
  } finally {
    answer.classList.remove('streaming');
    state.controller = null;
    if (fresh && state.sessionId) loadSessions(clear(list), more, null, state.sessionId);
    sendButton.disabled = false;
    stop.disabled = true;
  }
}

/**
 * After a stop or a broken answer, what Tollgate billed for the tokens delivered: its ledger
 * entries for the request, once the turn is settled (a release entry is written then).
 */
async function billed(notices, balance, started, tokens) {
  if (!started) return;
  const line = h('p', { id: 'partial-bill', class: 'note info', role: 'status' }, 'Settling what was delivered…');
  notices.append(line);
  for (let wait = 250; wait < 8000; wait *= 1.5) {
    await new Promise(resolve => setTimeout(resolve, wait));
    try {
      const page = await get('/api/v1/credits/ledger?limit=50');
      const entries = page.items.filter(e => e.request_id === started.request_id);
      if (entries.some(e => e.kind === 'RELEASE')) {
        const charged = -entries.filter(e => e.kind === 'CAPTURE').reduce((sum, e) => sum + e.amount, 0);
        line.dataset.credits = charged;
        line.textContent = `Billed ${creditsText(charged)} for the ${tokens} tokens delivered.`;
        showCredits(balance);
        return;
      }
    } catch (error) {
      line.textContent = explain(error);
      return;
    }
  }
  line.textContent = 'Not settled yet: the bill will show in your ledger.';
}
