// app.js — the interface's frame: who is logged in, the header (exercise,
// clock, connection, language, account), the navigation for the role, the
// router, and the live stream handed to whichever page is open.
//
// Routes (the server answers index.html for each, static.c):
//   /login
//   /t/TEAM/PAGE    a team's pages: overview network alerts hunt rules
//                   respond incidents share inbox
//   /PAGE           control truth injects messages users scoreboard
//                   timeline briefing
// What a role may see is the server's decision (the route table); the
// interface only leaves out what the role cannot use, and shows the
// server's refusal in words when a URL is edited by hand.
import { h, clear, raw, badge, notice, toast, select } from './dom.js';
import { get, post, setCsrf, ApiError } from './api.js';
import { t, setLang, getLang, LANGS, prefKey, exTime, wallTimes } from './i18n.js';
import { startStream, stopStream, onEvent, onState } from './stream.js';
import { teamPages } from './pages/team.js';
import { detectPages } from './pages/detect.js';
import { respondPages } from './pages/respond.js';
import { whitePages } from './pages/white.js';
import { watchPages } from './pages/watch.js';
import { respondFlow } from './pages/respond.js';

const TEAM_PAGES = { ...teamPages, ...detectPages, ...respondPages };
const TOP_PAGES = { ...whitePages, ...watchPages };
const TEAM_ORDER = ['overview', 'network', 'alerts', 'hunt', 'rules', 'respond', 'incidents', 'share', 'inbox'];

const ctx = {
  me: null, ex: null, teams: [], text: null, clock: null, clockAt: 0,
  unread: { inbox: 0, chat: 0 },
  truthLog: [], // ground truth seen on the stream this session (white cell)
  get white() { return this.me && (this.me.role === 'admin' || this.me.role === 'instructor'); },
  get admin() { return this.me && this.me.role === 'admin'; },
  get observer() { return this.me && this.me.role === 'observer'; },
  get player() { return this.me && this.me.role === 'player'; },
  obsSees(level) {
    const order = ['nothing', 'scoreboard', 'teams', 'everything'];
    return order.indexOf(this.ex && this.ex.observers_see) >= order.indexOf(level);
  },
  canWrite(team) { return this.white || (this.player && this.me.team.toLowerCase() === String(team).toLowerCase()); },
  playerTeams() { return this.teams.filter((x) => x.kind === 'player'); },
  teamName(id) { const x = this.teams.find((y) => y.id.toLowerCase() === String(id).toLowerCase()); return x ? x.name : id; },
  businessName(id, own) { return (this.text && this.text.business && this.text.business[id]) || own || id; },
  epochMs() {
    const ex = this.ex || {};
    const [y, m, d] = (ex.date || '2026-03-10').split('-').map(Number);
    return Date.UTC(y, m - 1, d) + ((ex.start_minute || 0) - (ex.utc_offset_min || 0)) * 60000;
  },
  // the exercise's present, in exercise ms (moving between clock events)
  nowMs() {
    const c = this.clock;
    if (!c) return 0;
    let ms = c.now_ms;
    if (c.state === 'running') ms += (Date.now() - this.clockAt) * (c.speed || 1);
    return Math.min(ms, c.until_ms || ms);
  },
  // where a team is (the given one, else one's own, else the exercise's
  // zone): {tz, offset} for its local time beside UTC
  zone(team) {
    const id = team || (this.me && this.me.team);
    const x = id ? this.teams.find((y) => y.id.toLowerCase() === String(id).toLowerCase()) : null;
    if (x && x.timezone) return { tz: x.timezone, offset: x.utc_offset_min || 0 };
    return { tz: (this.ex && this.ex.timezone) || 'UTC', offset: (this.ex && this.ex.utc_offset_min) || 0 };
  },
  offset(team) { return this.zone(team).offset; },
  go(path, replace) { navigate(path, replace); },
  lang: () => getLang(),
};

let page = null; // the open page's handle {onEvent, dispose}
let intended = null; // the path asked for before logging in
let pageKey = '';

// ---- boot -------------------------------------------------------------------
async function boot() {
  let me = null;
  try { me = await get('/me'); } catch (e) { me = null; }
  const lang = localStorage.getItem(prefKey(me && me.user, 'lang')) || localStorage.getItem('seawall.lang') || 'en';
  await setLang(lang);
  if (!me || !me.user) { showLogin(); return; }
  await enter(me);
}

async function enter(me) {
  ctx.me = me;
  setCsrf(me.csrf);
  const pref = localStorage.getItem(prefKey(me.user, 'lang'));
  if (pref && pref !== getLang()) await setLang(pref);
  // a one-time password opens nothing but the choice of one's own
  if (me.must_change) { showPasswordChoice(me); return; }
  const [ex, teams] = await Promise.all([get('/exercise'), get('/teams')]);
  ctx.ex = ex;
  ctx.teams = teams.teams;
  setClock(ex.clock);
  await loadText();
  startStream();
  frame();
  route();
}

async function loadText() {
  try { ctx.text = await get(`/scenario/text?lang=${getLang()}`); } catch (e) { ctx.text = null; }
}

function setClock(c) { ctx.clock = c; ctx.clockAt = Date.now(); }
// After one's own clock act: the act's answer says the new state at once
// (the stream's clock event confirms it a moment later).
ctx.clockChanged = (answer) => {
  if (!answer || !answer.state) return;
  const { state, now_ms: nowMs, until_ms: untilMs, speed } = answer;
  setClock({ ...ctx.clock, state, now_ms: nowMs, until_ms: untilMs, speed: speed ?? ctx.clock.speed });
  tickClock();
};

// ---- login ------------------------------------------------------------------
function showLogin(message) {
  stopStream();
  document.getElementById('top').hidden = true;
  document.getElementById('nav').hidden = true;
  document.getElementById('skip').textContent = t('nav.skip');
  // where the person was going (a link someone sent): back there after login
  if (location.pathname !== '/login') { intended = location.pathname + location.search; history.replaceState({}, '', '/login'); }
  const user = h('input', { name: 'user', autocomplete: 'username', required: true });
  const pw = h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const msg = h('div', { class: 'form-msg', role: 'alert' }, message || '');
  const langSel = select(LANGS, getLang(), { id: 'login-lang', 'aria-label': t('header.language') });
  langSel.addEventListener('change', async () => { localStorage.setItem('seawall.lang', langSel.value); await setLang(langSel.value); showLogin(); });
  const form = h('form', { class: 'login card', onsubmit: async (e) => {
    e.preventDefault();
    msg.textContent = '';
    try {
      const me = await post('/login', { user: user.value, password: pw.value });
      localStorage.setItem(prefKey(me.user, 'lang'), localStorage.getItem(prefKey(me.user, 'lang')) || getLang());
      history.replaceState({}, '', intended && intended !== '/' ? intended : '/');
      intended = null;
      await enter(me);
    } catch (err) {
      msg.textContent = errText(err);
      pw.select();
    }
  } },
  h('h1', {}, h('span', { class: 'logo', 'aria-hidden': 'true' }, '≋'), ' seawall'),
  h('p', { class: 'sub' }, t('login.intro')),
  h('div', { class: 'field' }, h('label', { for: 'login-user' }, t('login.user')), Object.assign(user, { id: 'login-user' })),
  h('div', { class: 'field' }, h('label', { for: 'login-pw' }, t('login.password')), Object.assign(pw, { id: 'login-pw' })),
  h('div', { class: 'field' }, h('label', { for: 'login-lang' }, t('header.language')), langSel),
  msg,
  h('button', { class: 'btn primary', type: 'submit' }, t('login.submit')));
  clear(document.getElementById('main'), form);
  user.focus();
}

// The first login with a one-time password: choose one's own, then enter.
function showPasswordChoice(me) {
  document.getElementById('top').hidden = true;
  document.getElementById('nav').hidden = true;
  const cur = h('input', { id: 'pw-current', type: 'password', autocomplete: 'current-password', required: true });
  const pw1 = h('input', { id: 'pw-new', type: 'password', autocomplete: 'new-password', required: true, minlength: 10 });
  const pw2 = h('input', { id: 'pw-repeat', type: 'password', autocomplete: 'new-password', required: true, minlength: 10 });
  const msg = h('div', { class: 'form-msg', role: 'alert' });
  const form = h('form', { class: 'login card', onsubmit: async (e) => {
    e.preventDefault();
    if (pw1.value !== pw2.value) { msg.textContent = t('account.mismatch'); pw2.select(); return; }
    try {
      const who = await post('/me/password', { current: cur.value, new: pw1.value });
      toast(t('account.changed'), 'ok');
      await enter(who);
    } catch (err) { msg.textContent = errText(err); }
  } },
  h('h1', {}, t('account.choose')), h('p', { class: 'sub' }, t('account.must', { user: me.user })),
  h('div', { class: 'field' }, h('label', { for: 'pw-current' }, t('account.current')), cur),
  h('div', { class: 'field' }, h('label', { for: 'pw-new' }, t('account.new')), pw1, h('div', { class: 'hint' }, t('account.rule'))),
  h('div', { class: 'field' }, h('label', { for: 'pw-repeat' }, t('account.repeat')), pw2),
  msg, h('button', { class: 'btn primary', type: 'submit' }, t('account.submit')),
  h('button', { class: 'btn', type: 'button', onclick: logout }, t('header.logout')));
  clear(document.getElementById('main'), form);
  cur.focus();
}
ctx.passwordChoice = showPasswordChoice;

export function errText(err) {
  if (err instanceof ApiError) {
    const known = t(`err.${err.code}`);
    const head = known === `err.${err.code}` ? t('err.generic') : known;
    return err.code === 'offline' ? head : `${head} (${err.message})`;
  }
  return `${t('err.generic')} (${err && err.message})`;
}
ctx.errText = errText;
ctx.respond = (btn, tm, req, cat) => respondFlow(ctx, btn, tm, req, cat);

// ---- the frame: header and navigation -----------------------------------------
let clockEl = null;
let connEl = null;
let unreadEl = null;

function frame() {
  const top = document.getElementById('top');
  const nav = document.getElementById('nav');
  document.getElementById('skip').textContent = t('nav.skip');
  top.hidden = false;
  nav.hidden = false;
  clockEl = h('div', { class: 'clock', 'aria-live': 'off' });
  connEl = h('div', { class: 'conn', role: 'status' });
  unreadEl = h('a', { class: 'unread', href: ctx.player ? `/t/${ctx.me.team}/inbox` : '/injects', 'data-link': '' });
  const langSel = select(LANGS, getLang(), { 'aria-label': t('header.language'), class: 'lang' });
  langSel.addEventListener('change', async () => {
    localStorage.setItem(prefKey(ctx.me.user, 'lang'), langSel.value);
    await setLang(langSel.value);
    clear(document.getElementById('toasts')); // said in the language before
    await loadText();
    frame();
    route();
  });
  const exName = (ctx.text && ctx.text.exercise && ctx.text.exercise.name) || ctx.ex.name;
  clear(top,
    h('div', { class: 'brand' }, h('span', { class: 'logo', 'aria-hidden': 'true' }, '≋'), ' ', h('span', { class: 'ex-name' }, raw(exName))),
    clockEl, connEl, unreadEl,
    h('div', { class: 'who' },
      langSel,
      h('a', { class: 'user', href: '/account', 'data-link': '', title: t('nav.account') }, raw(ctx.me.user), ' · ', t(`role.${ctx.me.role}`), ctx.me.team ? [' · ', raw(ctx.teamName(ctx.me.team))] : null),
      h('button', { class: 'btn small', onclick: logout }, t('header.logout'))));
  clear(nav, navLinks());
  tickClock();
  onState(showConn);
  refreshUnread();
}

function link(href, label, extra) {
  return h('a', { href, 'data-link': '', class: 'nav-link' }, label, extra || null);
}

function navLinks() {
  const out = [];
  const group = (title, links) => h('div', { class: 'nav-group' }, title ? h('h2', {}, title) : null, h('ul', {}, links.map((l) => h('li', {}, l))));
  if (ctx.player) {
    const tm = ctx.me.team;
    out.push(group(raw(ctx.teamName(tm)), TEAM_ORDER.map((p) => link(`/t/${tm}/${p}`, t(`nav.${p}`)))));
    out.push(group(t('nav.exercise'), [link('/scoreboard', t('nav.scoreboard')), link('/briefing', t('nav.briefing')), link('/report', t('nav.report'))]));
  } else {
    const top = [];
    if (ctx.white) top.push(...['control', 'truth', 'injects', 'messages'].map((p) => link(`/${p}`, t(`nav.${p}`))));
    if (ctx.admin) top.push(link('/users', t('nav.users')));
    top.push(link('/scoreboard', t('nav.scoreboard')), link('/timeline', t('nav.timeline')));
    if (ctx.observer && ctx.obsSees('everything')) top.push(link('/truth', t('nav.truth')));
    top.push(link('/briefing', t('nav.briefing')));
    if (ctx.white || ctx.obsSees('everything')) top.push(link('/report', t('nav.report')));
    out.push(group(ctx.white ? t('nav.white') : t('nav.watch'), top));
    if (ctx.white || ctx.obsSees('teams')) {
      const pages = ctx.white ? TEAM_ORDER : ['overview', 'network', 'alerts', 'incidents', 'share', 'inbox'];
      for (const tm of ctx.playerTeams()) {
        out.push(h('details', { class: 'nav-team', open: location.pathname.startsWith(`/t/${tm.id}/`) },
          h('summary', {}, raw(tm.name)),
          h('ul', {}, pages.map((p) => h('li', {}, link(`/t/${tm.id}/${p}`, t(`nav.${p}`)))))));
      }
    }
  }
  return out;
}

function markNav() {
  for (const a of document.querySelectorAll('#nav a')) {
    if (a.getAttribute('href') === location.pathname) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

function tickClock() {
  if (!clockEl || !ctx.clock) return;
  const c = ctx.clock;
  const now = ctx.nowMs();
  const w = wallTimes(ctx.epochMs() + now, ctx.offset());
  clear(clockEl,
    h('span', { class: 'ex-time', title: t('clock.ex_time') }, exTime(now), h('span', { class: 'until' }, ` / ${exTime(c.until_ms)}`)),
    ' ', badge(c.state), c.state === 'running' && c.speed !== 1 ? h('span', { class: 'speed' }, ` ×${c.speed}`) : null,
    h('span', { class: 'walls' }, t('time.both', { utc: w.utc.slice(0, 5), local: w.local.slice(0, 5) })));
}
setInterval(tickClock, 1000);

function showConn(s) {
  if (!connEl) return;
  clear(connEl, badge(s === 'online' ? 'up' : s === 'offline' ? 'down' : 'pending', t(`conn.${s}`)));
  document.body.classList.toggle('is-offline', s === 'offline');
  let banner = document.getElementById('offline');
  if (s === 'offline' && !banner) {
    banner = h('div', { id: 'offline', class: 'offline-banner', role: 'alert' }, t('conn.offline_long'));
    document.body.prepend(banner);
  } else if (s !== 'offline' && banner) {
    banner.remove();
    if (s === 'online' && page) reloadPage(); // what was missed while away
  }
}

async function refreshUnread() {
  if (!ctx.player || !unreadEl) { if (unreadEl) unreadEl.hidden = true; return; }
  try {
    const [inbox, msgs] = await Promise.all([get(`/teams/${ctx.me.team}/inbox`), get(`/teams/${ctx.me.team}/messages`)]);
    const seenInbox = Number(localStorage.getItem(prefKey(ctx.me.user, 'inbox-seen')) || 0);
    const seenChat = Number(localStorage.getItem(prefKey(ctx.me.user, 'chat-seen')) || 0);
    ctx.unread.inbox = Math.max(0, inbox.inbox.length - seenInbox);
    ctx.unread.chat = msgs.messages.filter((m) => m.seq > seenChat && m.actor !== ctx.me.user).length;
    ctx.unread.inboxTotal = inbox.inbox.length;
    ctx.unread.chatMax = msgs.messages.reduce((a, m) => Math.max(a, m.seq), 0);
  } catch (e) { return; }
  const n = ctx.unread.inbox + ctx.unread.chat;
  clear(unreadEl, h('span', { class: 'shape', 'aria-hidden': 'true' }, n ? '✉' : '✓'), ' ', t('header.unread', { n }));
  unreadEl.classList.toggle('has', n > 0);
}
ctx.refreshUnread = refreshUnread;
ctx.markRead = () => {
  localStorage.setItem(prefKey(ctx.me.user, 'inbox-seen'), String(ctx.unread.inboxTotal || 0));
  localStorage.setItem(prefKey(ctx.me.user, 'chat-seen'), String(ctx.unread.chatMax || 0));
  refreshUnread();
};

async function logout() {
  try { await post('/logout'); } catch (e) { /* the session may be gone already */ }
  ctx.me = null;
  setCsrf('');
  if (page && page.dispose) page.dispose();
  page = null;
  history.replaceState({}, '', '/login'); // the next person starts from their own page
  showLogin();
}

// ---- routing ---------------------------------------------------------------------
function navigate(path, replace) {
  if (replace) history.replaceState({}, '', path);
  else history.pushState({}, '', path);
  route();
}

document.addEventListener('click', (e) => {
  const a = e.target.closest('a[data-link]');
  if (!a || e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
  e.preventDefault();
  navigate(a.getAttribute('href'));
});
window.addEventListener('popstate', () => route());

function defaultPath() {
  if (ctx.player) return `/t/${ctx.me.team}/overview`;
  if (ctx.white) return '/control';
  return '/scoreboard';
}

function route() {
  if (!ctx.me) { showLogin(); return; }
  const parts = location.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  if (!parts.length || parts[0] === 'login') { navigate(defaultPath(), true); return; }
  let def = null;
  const params = {};
  if (parts[0] === 't' && parts.length >= 2) {
    params.team = parts[1];
    params.page = parts[2] || 'overview';
    params.arg = parts[3];
    def = TEAM_PAGES[params.page];
  } else {
    params.page = parts[0];
    params.arg = parts[1];
    def = TOP_PAGES[params.page];
  }
  if (page && page.dispose) page.dispose();
  page = null;
  pageKey = location.pathname;
  markNav();
  const main = document.getElementById('main');
  if (!def) { clear(main, h('h1', {}, t('err.not_found')), notice('error', t('page.unknown'))); return; }
  document.title = `${t(`nav.${params.page}`)} · seawall`;
  if (def.allow && !def.allow(ctx)) { clear(main, h('h1', {}, t(`nav.${params.page}`)), notice('error', t('page.forbidden'))); main.dataset.ready = pageKey; return; }
  const known = params.team ? ctx.teams.find((x) => x.id.toLowerCase() === params.team.toLowerCase()) : null;
  const heading = h('h1', { id: 'page-title' }, t(`nav.${params.page}`), params.team ? [' · ', raw(known ? known.name : params.team)] : null);
  const body = h('div', { class: 'page' });
  clear(main, heading, body);
  main.focus({ preventScroll: true });
  render(def, body, params);
}

// main[data-ready] names the route once its page has drawn (the browser
// tests wait for it; a live stream never lets the network go quiet).
async function render(def, body, params) {
  const key = pageKey;
  const main = document.getElementById('main');
  delete main.dataset.ready;
  try {
    const handle = await def.render(ctx, body, params);
    if (key !== pageKey) { if (handle && handle.dispose) handle.dispose(); return; }
    page = Object.assign({ def, body, params }, handle || {});
  } catch (err) {
    if (key !== pageKey) return;
    clear(body, refusal(err));
  }
  main.dataset.ready = key;
}

function reloadPage() {
  if (!page) return;
  const { def, body, params } = page;
  if (page.dispose) page.dispose();
  page = null;
  render(def, body, params);
}
ctx.reload = reloadPage;

// A refusal from the server, in words: another team's page, a role's limit.
export function refusal(err) {
  if (err instanceof ApiError && err.status === 401) { setTimeout(() => showLogin(t('err.unauthenticated')), 0); return notice('error', t('err.unauthenticated')); }
  if (err instanceof ApiError && err.code === 'password_change_required') { setTimeout(() => showPasswordChoice(ctx.me), 0); return notice('error', t('account.must', { user: ctx.me.user })); }
  if (err instanceof ApiError && err.status === 403) return notice('error', t('page.forbidden'));
  if (err instanceof ApiError && err.status === 404) return notice('error', t('page.not_found'));
  return notice('error', errText(err));
}
ctx.refusal = refusal;

// ---- the stream ---------------------------------------------------------------------
onEvent((type, data) => {
  if (!ctx.me) return;
  if (type === 'clock' && ctx.clock) {
    // a change, or time moving while we think it stands: ask for the state
    if (data.changed || (ctx.clock.state !== 'running' && data.at_ms !== ctx.clock.now_ms)) {
      get('/exercise').then((ex) => { ctx.ex = ex; setClock(ex.clock); tickClock(); }).catch(() => {});
    } else {
      setClock({ ...ctx.clock, now_ms: data.at_ms });
      tickClock();
    }
  }
  if (type === 'inject' || (type === 'act' && data.kind === 'message.post')) refreshUnread();
  if (type === 'alert' && ctx.player) toast(t('toast.alert', { title: data.title, host: data.host }), 'warn');
  if (type === 'action') toast(t('toast.action', { action: t(`action.${data.action}`), host: data.host, result: t(`state.${data.result}`) }), data.result === 'done' ? 'ok' : 'error');
  if (type === 'truth') { ctx.truthLog.push(data); if (ctx.truthLog.length > 2000) ctx.truthLog.shift(); }
  if (type === 'reset') { reloadPage(); refreshUnread(); return; }
  if (page && page.onEvent) page.onEvent(type, data);
});

boot().catch((err) => {
  clear(document.getElementById('main'), notice('error', `seawall: ${err && err.message}`));
});

