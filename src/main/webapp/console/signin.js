// Sign-in. In production: OpenID Connect authorization code with PKCE against the company's
// identity provider, as a public client (no secret in the page). Where the server offers it, a
// dev sign-in that asks Tollgate's dev-only endpoint for a token. Either way the token stays in
// this tab's sessionStorage.

import { h, note } from './dom.js';
import { token } from './api.js';

const ROLES = ['user', 'company_admin', 'auditor', 'billing_admin'];
const PENDING = 'tollgate.oidc';

let settings = null;

export async function config() {
  settings ??= await (await fetch('config.json', { headers: { Accept: 'application/json' } })).json();
  return settings;
}

export async function page(view) {
  const { oidc, dev_sign_in: dev } = await config();
  view.append(h('h1', {}, 'Sign in'));
  if (oidc) {
    view.append(h('p', {}, h('button', { type: 'button', id: 'oidc-sign-in', onclick: () => startOidc(oidc) },
      'Sign in with your company account')));
  }
  if (dev) view.append(devForm());
  if (!oidc && !dev) view.append(note('error', 'No sign-in is configured on this server (TOLLGATE_CONSOLE_OIDC_CLIENT_ID).'));
}

function devForm() {
  const problem = h('div');
  const form = h('form', { id: 'dev-sign-in', class: 'card' },
    h('h2', {}, 'Dev sign-in'),
    h('p', { class: 'hint' }, 'Only on development servers: any user of any company, with the roles you tick.'),
    h('label', {}, 'User ', h('input', { name: 'sub', required: true, value: 'demo-user', pattern: '[A-Za-z0-9._@\\-]{1,64}' })),
    h('label', {}, 'Company ', h('input', { name: 'company', required: true, value: 'demo-company', pattern: '[A-Za-z0-9._@\\-]{1,64}' })),
    h('fieldset', {}, h('legend', {}, 'Roles'),
      ROLES.map(role => h('label', { class: 'check' },
        h('input', { type: 'checkbox', name: 'roles', value: role, checked: role === 'user' }), ` ${role}`))),
    h('button', { type: 'submit' }, 'Sign in'), problem);
  form.addEventListener('submit', async event => {
    event.preventDefault();
    const data = new FormData(form);
    const response = await fetch('../dev/token', {
      method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ sub: data.get('sub'), company: data.get('company'), roles: data.getAll('roles') }),
    });
    const body = await response.json();
    if (!response.ok) {
      problem.replaceChildren(note('error', body.detail ?? `HTTP ${response.status}`));
      return;
    }
    token.set(body.token);
    location.hash = '#/chat';
  });
  return form;
}

async function discovery(issuer) {
  const response = await fetch(`${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`);
  if (!response.ok) throw new Error(`the identity provider answered ${response.status}`);
  return response.json();
}

function random() {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return base64url(bytes);
}

function base64url(bytes) {
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function redirectUri() {
  return `${location.origin}${location.pathname}`;
}

async function startOidc(oidc) {
  const provider = await discovery(oidc.issuer);
  const verifier = random();
  const state = random();
  const challenge = base64url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))));
  sessionStorage.setItem(PENDING, JSON.stringify({ verifier, state, tokenEndpoint: provider.token_endpoint }));
  const url = new URL(provider.authorization_endpoint);
  url.search = new URLSearchParams({
    response_type: 'code', client_id: oidc.client_id, redirect_uri: redirectUri(), scope: oidc.scope,
    state, code_challenge: challenge, code_challenge_method: 'S256',
  });
  location.assign(url);
}

/** On the way back from the identity provider: trades the code for the token. */
export async function finishOidc() {
  const params = new URLSearchParams(location.search);
  const pending = JSON.parse(sessionStorage.getItem(PENDING) ?? 'null');
  if (!params.has('code') && !params.has('error')) return null;
  sessionStorage.removeItem(PENDING);
  history.replaceState(null, '', redirectUri() + location.hash);
  if (params.has('error')) return `The identity provider refused: ${params.get('error_description') ?? params.get('error')}`;
  if (!pending || pending.state !== params.get('state')) return 'The sign-in answer did not match this tab; sign in again.';
  const { oidc } = await config();
  const response = await fetch(pending.tokenEndpoint, {
    method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code', code: params.get('code'), redirect_uri: redirectUri(),
      client_id: oidc.client_id, code_verifier: pending.verifier,
    }),
  });
  if (!response.ok) return `The identity provider did not issue a token (${response.status}).`;
  token.set((await response.json()).access_token);
  return null;
}
