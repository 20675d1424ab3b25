// pages/watch.js — what everyone can watch: the scoreboard with its
// breakdown (when scoring is enabled: GET /api/v1/scoreboard answers 404
// until it is, and the page says so), the exercise timeline, and the
// briefings (the players', and the white cell's own), rendered from their
// Markdown without ever parsing it as HTML.
import { h, clear, raw, table, section, notice, debounce, busy, toast, select, field } from '../dom.js';
import { get, post, setCsrf, team as tpath } from '../api.js';
import { t, exTime } from '../i18n.js';
import { scoreRows, fmtNum } from './team.js';

// ---- scoreboard --------------------------------------------------------------------
// Each team's total and its points by category, live over the stream. The
// white cell can hide the board from players and observers, or freeze it
// for the last part of the exercise (journaled; POST /api/v1/scoreboard).
async function scoreboard(ctx, el) {
  let score;
  try { score = await get('/scoreboard'); } catch (err) {
    if (err.status === 404) { clear(el, notice('info', t('score.disabled'))); return {}; }
    if (err.status === 403) { clear(el, notice('info', t('score.hidden'))); return {}; }
    throw err;
  }
  const rows = scoreRows(score);
  const cats = [...new Set(rows.flatMap((r) => Object.keys(r.cats)))];
  const max = rows.reduce((a, r) => Math.max(a, r.total || 0), 1);
  const control = ctx.white ? h('div', { class: 'actions' },
    [['hidden', score.hidden], ['frozen', score.frozen]].map(([k, on]) => h('button', { class: 'btn small', 'aria-pressed': String(!!on), onclick: (e) => busy(e.currentTarget, async () => {
      try { await post('/scoreboard', { [k]: !on }); ctx.reload(); } catch (err) { toast(ctx.errText(err), 'error'); }
    }) }, t(`score.${k}_${on ? 'off' : 'on'}`)))) : null;
  clear(el,
    score.hidden ? notice(ctx.white ? 'warn' : 'info', t(ctx.white ? 'score.hidden_white' : 'score.hidden')) : null,
    score.frozen ? notice('info', t('score.frozen')) : null,
    control,
    rows.length ? section(t('score.board'), table([t('score.rank_col'), t('col.team'), t('score.total'), ...cats.map((c) => t(`score.cat.${c}`)), t('score.cat.penalties'), ''],
      rows.map((r, i) => h('tr', {},
        h('td', { class: 'num' }, r.rank || i + 1), h('td', {}, raw(ctx.teamName(r.team))), h('td', { class: 'num strong' }, fmtNum(r.total)),
        cats.map((c) => h('td', { class: 'num' }, fmtNum(r.cats[c]))),
        h('td', { class: 'num' }, r.penalties ? `−${fmtNum(Math.abs(r.penalties))}` : '0'),
        h('td', { class: 'barcell' }, h('span', { class: 'bar', style: `width:${Math.max(1, Math.round(100 * Math.max(r.total, 0) / max))}%` })))))) : null,
    h('p', { class: 'hint' }, t('score.how')));
  const d = debounce(() => ctx.reload(), 1500);
  return { onEvent: (type) => { if (type === 'score') d(); } };
}

// ---- timeline ----------------------------------------------------------------------
const KIND_ICON = { action: '⚙', 'report.submit': '✎', 'message.post': '✉', 'indicator.share': '⇄', 'alert.triage': '✓', 'rule.deploy': '⛨', 'rule.withdraw': '⛨', 'hint.release': '?', 'inject.release': '✉', 'inject.compose': '✉' };

function describe(ctx, e) {
  const p = e.payload || {};
  switch (e.kind) {
    case 'action': return t('timeline.action', { action: t(`action.${p.action}`), target: p.host || p.value || p.to || '' });
    case 'report.submit': return t('timeline.report', { title: p.title || '' });
    case 'message.post': return t('timeline.message', { text: (p.text || '').slice(0, 80) });
    case 'indicator.share': return t('timeline.share', { n: (p.indicators || []).length, to: p.to === 'all' ? t('share.all_teams') : ctx.teamName(p.to || '') });
    case 'alert.triage': return t('timeline.triage', { id: p.alert, status: t(`triage.${p.status || 'new'}`) });
    case 'rule.deploy': return t('timeline.rule_deploy', { title: p.title || p.rule_id || '' });
    case 'rule.withdraw': return t('timeline.rule_withdraw', { id: p.rule_id || '' });
    case 'hint.release': return t('timeline.hint');
    case 'inject.release': case 'inject.compose': return t('timeline.inject', { title: p.subject || p.id || '' });
    default: return e.kind.startsWith('clock.') ? t('timeline.clock', { what: t(`clockact.${e.kind.slice(6)}`) }) : e.kind;
  }
}

async function timeline(ctx, el) {
  let entries = [];
  if (ctx.white) {
    const j = await get('/journal');
    entries = j.entries.filter((e) => e.kind !== 'exercise.create' && e.kind !== 'defender.attach');
  } else if (ctx.obsSees('teams')) {
    const lists = await Promise.all(ctx.playerTeams().flatMap((tm) => ['/actions', '/reports', '/messages'].map((r) => get(tpath(tm.id, r)).then((x) => x.actions || x.reports || x.messages || []).catch(() => []))));
    const seen = new Set();
    entries = lists.flat().filter((e) => (seen.has(e.seq) ? false : seen.add(e.seq))).sort((a, b) => a.seq - b.seq);
  }
  const list = h('ol', { class: 'timeline' });
  const draw = () => clear(list, entries.slice(-300).reverse().map((e) => h('li', {},
    h('span', { class: 'when mono' }, exTime(e.at_ms)),
    h('span', { class: 'icon', 'aria-hidden': 'true' }, KIND_ICON[e.kind] || '•'),
    h('span', { class: 'who' }, e.team ? raw(ctx.teamName(e.team)) : t('timeline.everyone'), ' · ', raw(e.actor)),
    h('span', { class: 'what' }, describe(ctx, e)))));
  draw();
  clear(el, !ctx.white && !ctx.obsSees('teams') ? notice('info', t('timeline.live_only')) : null, section(t('timeline.title'), list));
  return { onEvent: (type, d) => {
    if (type !== 'act' || d.kind === 'exercise.create') return;
    if (entries.some((e) => e.seq === d.seq)) return;
    entries.push(d);
    draw();
  } };
}

// ---- briefings ------------------------------------------------------------------------
// A small Markdown reader: headings, paragraphs, lists, tables, code, **bold**,
// *italic*, `code`. Text only ever becomes text nodes.
function inline(text) {
  const out = [];
  const re = /(\*\*[^*]+\*\*|`[^`]+`|\*[^*]+\*)/g;
  let last = 0;
  let m;
  while ((m = re.exec(text))) {
    if (m.index > last) out.push(text.slice(last, m.index));
    const s = m[0];
    if (s.startsWith('**')) out.push(h('strong', {}, s.slice(2, -2)));
    else if (s.startsWith('`')) out.push(h('code', {}, s.slice(1, -1)));
    else out.push(h('em', {}, s.slice(1, -1)));
    last = m.index + s.length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

export function markdown(md) {
  const root = h('div', { class: 'md', translate: 'no' });
  const lines = md.replace(/\r/g, '').split('\n');
  let i = 0;
  while (i < lines.length) {
    const l = lines[i];
    if (!l.trim()) { i++; continue; }
    const hm = l.match(/^(#{1,4})\s+(.*)$/);
    if (hm) { root.append(h(`h${Math.min(hm[1].length + 1, 5)}`, {}, inline(hm[2]))); i++; continue; }
    if (l.startsWith('```')) {
      const buf = [];
      i++;
      while (i < lines.length && !lines[i].startsWith('```')) buf.push(lines[i++]);
      i++;
      root.append(h('pre', {}, h('code', {}, buf.join('\n'))));
      continue;
    }
    if (/^\s{4}\S/.test(l)) {
      const buf = [];
      while (i < lines.length && (/^\s{4}/.test(lines[i]) || !lines[i].trim())) buf.push(lines[i++].slice(4));
      root.append(h('pre', {}, h('code', {}, buf.join('\n').trimEnd())));
      continue;
    }
    if (l.startsWith('|')) {
      const rows = [];
      while (i < lines.length && lines[i].startsWith('|')) rows.push(lines[i++]);
      const cells = (r) => r.replace(/^\||\|$/g, '').split('|').map((c) => c.trim());
      const body = rows.filter((r, k) => k !== 1 || !/^\|[\s:|-]+\|?$/.test(r));
      root.append(h('table', { class: 'tbl' }, h('thead', {}, h('tr', {}, cells(body[0]).map((c) => h('th', {}, inline(c))))),
        h('tbody', {}, body.slice(1).map((r) => h('tr', {}, cells(r).map((c) => h('td', {}, inline(c))))))));
      continue;
    }
    if (/^\s*([-*]|\d+\.)\s+/.test(l)) {
      const ordered = /^\s*\d+\./.test(l);
      const items = [];
      while (i < lines.length && (/^\s*([-*]|\d+\.)\s+/.test(lines[i]) || (/^\s{2,}\S/.test(lines[i]) && items.length))) {
        if (/^\s*([-*]|\d+\.)\s+/.test(lines[i])) items.push(lines[i].replace(/^\s*([-*]|\d+\.)\s+/, ''));
        else items[items.length - 1] += ` ${lines[i].trim()}`;
        i++;
      }
      root.append(h(ordered ? 'ol' : 'ul', {}, items.map((x) => h('li', {}, inline(x)))));
      continue;
    }
    const buf = [];
    while (i < lines.length && lines[i].trim() && !/^(#{1,4}\s|\||```|\s*([-*]|\d+\.)\s)/.test(lines[i])) buf.push(lines[i++].trim());
    root.append(h('p', {}, inline(buf.join(' '))));
  }
  return root;
}

async function briefing(ctx, el, p) {
  const which = ctx.white && p.arg === 'instructors' ? 'instructors' : (ctx.white && !p.arg ? 'instructors' : 'players');
  const tabs = ctx.white ? h('div', { class: 'tabs', role: 'tablist' },
    ['instructors', 'players'].map((a) => h('a', { role: 'tab', class: a === which ? 'tab on' : 'tab', 'aria-selected': String(a === which), href: `/briefing/${a}`, 'data-link': '' }, t(`briefing.${a}`)))) : null;
  const b = await get(`/briefings/${which}?lang=${ctx.lang()}`);
  clear(el, tabs, b.language !== ctx.lang() ? notice('info', t('briefing.untranslated')) : null, h('article', { class: 'card' }, markdown(b.text)));
  return {};
}

// ---- the after-action report -------------------------------------------------------------
// The report itself is the server's (GET /api/v1/report, a self-contained
// page, or JSON, Markdown, CSV): this page picks the team, the moment and the
// format, and opens it. A team's players get their own once the exercise has
// ended; the white cell (and observers who see everything) at any moment.
async function report(ctx, el) {
  const whole = ctx.white || (ctx.observer && ctx.obsSees('everything'));
  if (!whole) {
    if (!ctx.player) { clear(el, notice('info', t('report.aar_not_yours'))); return {}; }
    const ended = ctx.clock && ctx.clock.state === 'ended';
    clear(el, section(t('report.aar'), h('p', {}, t('report.aar_team')),
      ended ? h('p', { class: 'actions' }, ['html', 'md', 'csv'].map((f) => h('a', { class: f === 'html' ? 'btn primary' : 'btn', href: `/api/v1/teams/${encodeURIComponent(ctx.me.team)}/report?format=${f}`, target: '_blank', rel: 'noopener' }, t(`report.fmt_${f}`))))
        : notice('info', t('report.aar_after_end'))));
    return { onEvent: (type, d) => { if (type === 'clock' && d.changed) ctx.reload(); } };
  }
  const team = select([['', t('share.all_teams')], ...ctx.playerTeams().map((x) => [x.id, x.name])], '', { id: 'aar-team' });
  const until = h('input', { id: 'aar-until', placeholder: 'T+02:00', autocomplete: 'off' });
  const links = h('p', { class: 'actions' });
  const draw = () => {
    const q = (f) => {
      const p = new URLSearchParams({ format: f });
      if (team.value) p.set('team', team.value);
      if (until.value.trim()) p.set('until', until.value.trim());
      return `/api/v1/report?${p}`;
    };
    clear(links, ['html', 'md', 'csv', 'json'].map((f) => h('a', { class: f === 'html' ? 'btn primary' : 'btn', href: q(f), target: '_blank', rel: 'noopener' }, t(`report.fmt_${f}`))));
  };
  team.addEventListener('change', draw);
  until.addEventListener('input', draw);
  draw();
  clear(el, section(t('report.aar'), h('p', {}, t('report.aar_white')), h('div', { class: 'row' }, field(t('col.team'), team), field(t('report.aar_until'), until, t('report.aar_until_hint'))), links));
  return {};
}

// ---- one's account -------------------------------------------------------------------
async function account(ctx, el) {
  const cur = h('input', { id: 'acc-current', type: 'password', autocomplete: 'current-password', required: true });
  const pw1 = h('input', { id: 'acc-new', type: 'password', autocomplete: 'new-password', required: true, minlength: 10 });
  const pw2 = h('input', { id: 'acc-repeat', type: 'password', autocomplete: 'new-password', required: true, minlength: 10 });
  const msg = h('div', { role: 'status', 'aria-live': 'polite' });
  const form = h('form', { onsubmit: async (e) => {
    e.preventDefault();
    if (pw1.value !== pw2.value) { clear(msg, notice('error', t('account.mismatch'))); return; }
    try {
      const who = await post('/me/password', { current: cur.value, new: pw1.value });
      ctx.me = { ...ctx.me, ...who };
      setCsrf(who.csrf);
      cur.value = pw1.value = pw2.value = '';
      clear(msg, notice('ok', t('account.changed')));
    } catch (err) { clear(msg, notice('error', ctx.errText(err))); }
  } },
  h('div', { class: 'field' }, h('label', { for: 'acc-current' }, t('account.current')), cur),
  h('div', { class: 'field' }, h('label', { for: 'acc-new' }, t('account.new')), pw1, h('div', { class: 'hint' }, t('account.rule'))),
  h('div', { class: 'field' }, h('label', { for: 'acc-repeat' }, t('account.repeat')), pw2),
  msg, h('button', { class: 'btn primary', type: 'submit' }, t('account.submit')));
  clear(el, section(t('account.who', { user: ctx.me.user, role: t(`role.${ctx.me.role}`) }), form));
  return {};
}

export const watchPages = {
  account: { render: account },
  report: { render: report },
  scoreboard: { render: scoreboard },
  timeline: { render: timeline },
  briefing: { render: briefing },
};

