// The console's shell: the routes (#/chat, #/chat/{session}, #/audit, #/billing, #/admin,
// #/sign-in), the navigation each role sees, sign-out.

import { h, clear, note } from './dom.js';
import { token, roles } from './api.js';
import * as signin from './signin.js';
import * as chat from './chat.js';
import * as audit from './audit.js';
import * as billing from './billing.js';
import * as admin from './admin.js';

const PAGES = [
  { path: 'chat', title: 'Chat', role: 'user', show: (view, arg) => chat.page(view, arg) },
  { path: 'audit', title: 'Usage report', role: 'auditor', show: view => audit.page(view) },
  { path: 'billing', title: 'Billing', role: 'billing_admin', show: view => billing.page(view) },
  { path: 'admin', title: 'Company admin', role: 'company_admin', show: view => admin.page(view) },
];

const view = document.getElementById('view');
const nav = document.getElementById('nav');
const who = document.getElementById('who');
const signOut = document.getElementById('sign-out');

signOut.addEventListener('click', () => {
  token.clear();
  location.hash = '#/sign-in';
  route();
});

async function route() {
  const [, path = '', arg] = location.hash.split('/');
  const claims = token.claims();
  const { company_claim: companyClaim } = await signin.config();
  const mine = roles();
  const allowed = PAGES.filter(p => mine.has(p.role));
  nav.replaceChildren(...allowed.map(p => h('a', { href: `#/${p.path}`, 'aria-current': p.path === path ? 'page' : false }, p.title)));
  who.textContent = claims ? `${claims.preferred_username ?? claims.upn ?? claims.sub} · ${claims[companyClaim] ?? ''}` : '';
  signOut.hidden = !claims;
  clear(view);
  if (!claims || path === 'sign-in') {
    await signin.page(view);
  } else {
    const page = allowed.find(p => p.path === path) ?? allowed[0];
    if (!page) view.append(note('error', 'Your roles give you no page here.'));
    else if (page.path !== path) location.replace(`#/${page.path}`);
    else await page.show(view, arg && decodeURIComponent(arg));
  }
  view.focus();
}

window.addEventListener('hashchange', route);
signin.finishOidc().then(problem => {
  if (problem) document.getElementById('status').append(note('error', problem));
  route();
});
