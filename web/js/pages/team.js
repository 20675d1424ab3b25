// pages/team.js — a team's picture of its own world: the overview (clock,
// business services with the cause of each outage, score, what is unread,
// latest alerts), the network map (organisations, zones, hosts, links with
// live status; a host's details, its alerts and the actions that apply),
// and the inbox with the team's chat.
import { h, clear, raw, badge, table, section, notice, toast, busy, debounce } from '../dom.js';
import { get, post, team as tpath } from '../api.js';
import { t, exTime, wallTimes } from '../i18n.js';

const pct = (x) => `${Math.round((x || 0) * 1000) / 10}%`;

function reloadOn(types, fn, ms = 400) {
  const d = debounce(fn, ms);
  return (type) => { if (types.includes(type)) d(); };
}

// ---- overview --------------------------------------------------------------------
async function overview(ctx, el, p) {
  const tm = p.team;
  const [net, alerts, inbox, msgs, score] = await Promise.all([
    get(tpath(tm, '/network')),
    get(tpath(tm, '/alerts')),
    get(tpath(tm, '/inbox')),
    get(tpath(tm, '/messages')),
    get('/scoreboard').catch((e) => ({ __status: e.status })),
  ]);
  const c = ctx.clock;
  const w = wallTimes(ctx.epochMs() + ctx.nowMs(), ctx.offset(tm));
  const clockCard = section(t('overview.clock'),
    h('dl', { class: 'facts' },
      h('dt', {}, t('overview.phase')), h('dd', {}, badge(c.state)),
      h('dt', {}, t('clock.ex_time')), h('dd', {}, `${exTime(ctx.nowMs())} / ${exTime(c.until_ms)}`),
      h('dt', {}, t('clock.speed')), h('dd', {}, `×${c.speed}`),
      h('dt', {}, t('time.utc')), h('dd', {}, `${w.date} ${w.utc}`),
      h('dt', {}, t('time.local_tz', { tz: ctx.zone(tm).tz })), h('dd', {}, `${w.local} (${w.offset})`)));
  const down = net.business.filter((b) => b.state !== 'up');
  const services = section(t('overview.services'),
    h('p', { class: 'lead' }, t('overview.availability', { pct: pct(net.availability) })),
    table([t('col.service'), t('col.status'), t('col.availability'), t('col.cause')],
      net.business.map((b) => h('tr', {},
        h('td', {}, raw(ctx.businessName(b.id, b.name))),
        h('td', {}, badge(b.state)),
        h('td', { class: 'num' }, pct(b.availability)),
        h('td', {}, b.cause ? raw(b.cause) : (b.state === 'up' ? '' : t('overview.no_cause')))))),
    down.length ? notice('warn', t('overview.down_count', { n: down.length })) : null);
  const unreadN = ctx.player ? (ctx.unread.inbox + ctx.unread.chat) : null;
  const recent = alerts.alerts.slice(-5).reverse();
  const openAlerts = alerts.alerts.filter((a) => !a.status || a.status === 'new').length;
  const links = net.links.length ? section(t('overview.links'),
    table([t('col.link'), t('col.kind'), t('col.status'), t('col.capacity')],
      net.links.map((l) => h('tr', {}, h('td', {}, raw(l.name)), h('td', {}, t(`link.${l.kind}`)),
        h('td', {}, badge(l.up ? 'up' : 'down')), h('td', { class: 'num' }, `${l.capacity_mbps} Mbps`))))) : null;
  const scoreCard = section(t('nav.scoreboard'), scoreLine(ctx, score, tm));
  const inboxCard = section(t('overview.unread'),
    h('p', {}, t('overview.inbox_n', { n: inbox.inbox.length }), ' · ', t('overview.msgs_n', { n: msgs.messages.length })),
    unreadN !== null ? h('p', { class: unreadN ? 'lead warn' : 'lead' }, t('header.unread', { n: unreadN })) : null,
    h('a', { href: `/t/${tm}/inbox`, 'data-link': '', class: 'btn' }, t('nav.inbox')));
  const alertCard = section(t('overview.alerts'),
    h('p', { class: 'lead' }, t('overview.open_alerts', { n: openAlerts })),
    table([t('col.time'), t('col.rule'), t('col.host'), t('col.level')],
      recent.map((a) => h('tr', {}, h('td', {}, raw(a.time)), h('td', {}, raw(a.title)), h('td', {}, raw(a.host)), h('td', {}, badge(a.level))))),
    h('a', { href: `/t/${tm}/alerts`, 'data-link': '', class: 'btn' }, t('nav.alerts')));
  clear(el, h('div', { class: 'grid' }, clockCard, scoreCard, inboxCard, services, alertCard, links));
  return { onEvent: reloadOn(['status', 'alert', 'inject', 'act', 'clock'], () => ctx.reload(), 800) };
}

export function scoreLine(ctx, score, tm) {
  if (score && score.__status === 404) return notice('info', t('score.disabled'));
  if (score && (score.__status || (score.hidden && !ctx.white))) return notice('info', t('score.hidden'));
  const rows = scoreRows(score);
  const mine = rows.find((r) => String(r.team).toLowerCase() === String(tm).toLowerCase());
  if (!mine) return notice('info', t('score.none'));
  return h('p', { class: 'score-big' }, h('span', { class: 'num' }, fmtNum(mine.total)), ' ', t('score.points'),
    rows.length > 1 ? h('span', { class: 'rank' }, ' · ', t('score.rank', { n: rows.indexOf(mine) + 1, of: rows.length })) : null);
}

// The scoreboard's rows, whatever the exact shape scoring gives: a list of
// teams (under "teams", "scores" or "rows"), each with a total and its
// categories (an object of numbers, or a list of {name, points}).
export function scoreRows(score) {
  if (!score) return [];
  const list = Array.isArray(score) ? score : (score.teams || score.scores || score.rows || []);
  const rows = list.map((x) => {
    const cats = {};
    const src = x.categories || x.breakdown || x.by_category || {};
    if (Array.isArray(src)) src.forEach((c) => { cats[c.name || c.category || c.id] = c.points ?? c.score ?? c.value; });
    else for (const [k, v] of Object.entries(src)) cats[k] = typeof v === 'object' && v ? (v.points ?? v.score ?? v.value) : v;
    return { team: x.team || x.id || x.name, name: x.name || x.team, rank: x.rank, total: x.total ?? x.score ?? x.points ?? 0, cats, penalties: x.penalties };
  });
  rows.sort((a, b) => b.total - a.total);
  return rows;
}

export const fmtNum = (n) => (typeof n === 'number' ? (Math.round(n * 10) / 10).toLocaleString() : n === undefined || n === null ? '—' : String(n));

// ---- network map -----------------------------------------------------------------
const ZONE_ORDER = ['internet', 'dmz', 'management', 'internal', 'server', 'servers', 'user', 'users', 'ot', 'core'];

function hostState(x) {
  if (x.isolated) return 'isolated';
  return x.state || 'up';
}

async function network(ctx, el, p) {
  const tm = p.team;
  const [net, alerts] = await Promise.all([get(tpath(tm, '/network')), get(tpath(tm, '/alerts'))]);
  const alertsBy = {};
  for (const a of alerts.alerts) {
    const k = String(a.host || '').toUpperCase().split('.')[0];
    (alertsBy[k] = alertsBy[k] || []).push(a);
  }
  const detail = h('aside', { class: 'host-detail card', 'aria-live': 'polite' }, h('p', { class: 'hint' }, t('network.pick')));
  const map = h('div', { class: 'netmap' });
  for (const org of net.organisations) {
    const hosts = net.hosts.filter((x) => x.org === org.id);
    const zones = [...new Set(hosts.map((x) => x.zone))].sort((a, b) => {
      const ia = ZONE_ORDER.indexOf(a); const ib = ZONE_ORDER.indexOf(b);
      return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib) || a.localeCompare(b);
    });
    map.append(h('section', { class: 'org' },
      h('h2', {}, raw(org.name), ' ', h('span', { class: 'muted' }, t(`org.${org.kind}`))),
      h('div', { class: 'zones' }, zones.map((z) => h('div', { class: 'zone' },
        h('h3', {}, raw(z)),
        h('ul', { class: 'hosts' }, hosts.filter((x) => x.zone === z).map((x) => {
          const st = hostState(x);
          const n = (alertsBy[x.hostname.toUpperCase()] || []).length;
          return h('li', {}, h('button', {
            class: `host s-${st}`, 'aria-label': `${x.hostname} ${t(`state.${st}`)}${n ? ` · ${t('network.alerts_n', { n })}` : ''}`,
            onclick: () => showHost(ctx, tm, x, alertsBy[x.hostname.toUpperCase()] || [], detail),
          }, h('span', { class: 'shape', 'aria-hidden': 'true' }, st === 'up' ? '●' : st === 'isolated' ? '▣' : '✕'), ' ',
          raw(x.hostname), h('span', { class: 'role' }, t(`role_host.${x.role}`)),
          n ? h('span', { class: 'alert-n', title: t('network.alerts_n', { n }) }, `⚠ ${n}`) : null));
        })))))));
  }
  const links = h('section', { class: 'card links' }, h('h2', {}, t('overview.links')),
    net.links.length ? h('ul', { class: 'linklist' }, net.links.map((l) => h('li', {},
      h('span', { class: `cable k-${l.kind}`, 'aria-hidden': 'true' }, l.kind === 'satellite' ? '〰' : '━━'), ' ',
      raw(l.name), ' ', t(`link.${l.kind}`), ' ', badge(l.up ? 'up' : 'down'), ` ${l.capacity_mbps} Mbps`))) : h('p', { class: 'muted' }, t('network.no_links')));
  const legend = h('p', { class: 'legend' }, t('network.legend'), ' ', badge('up'), ' ', badge('down'), ' ', badge('isolated'), ' ⚠ ', t('nav.alerts'));
  clear(el, legend, h('div', { class: 'net-layout' }, h('div', {}, map, links), detail));
  if (p.arg) {
    const x = net.hosts.find((y) => y.hostname.toLowerCase() === p.arg.toLowerCase() || y.id === p.arg);
    if (x) showHost(ctx, tm, x, alertsBy[x.hostname.toUpperCase()] || [], detail);
  }
  return { onEvent: reloadOn(['status', 'alert', 'action'], () => ctx.reload(), 800) };
}

async function showHost(ctx, tm, x, alerts, detail) {
  const st = hostState(x);
  const acts = h('div', { class: 'actions' });
  clear(detail,
    h('h2', {}, raw(x.hostname)),
    h('dl', { class: 'facts' },
      h('dt', {}, t('col.status')), h('dd', {}, badge(st)),
      h('dt', {}, t('col.ip')), h('dd', {}, raw(x.ip)),
      h('dt', {}, t('col.role')), h('dd', {}, t(`role_host.${x.role}`)),
      h('dt', {}, t('col.os')), h('dd', {}, raw(x.os)),
      h('dt', {}, t('col.zone')), h('dd', {}, raw(x.zone))),
    h('h3', {}, t('network.recent_alerts')),
    alerts.length ? h('ul', { class: 'mini' }, alerts.slice(-6).reverse().map((a) => h('li', {}, raw(a.time.slice(11, 19)), ' ', badge(a.level), ' ', raw(a.title)))) : h('p', { class: 'muted' }, t('common.none')),
    h('h3', {}, t('network.actions')), acts,
    h('p', {}, h('a', { href: `/t/${tm}/hunt?q=${encodeURIComponent(`"${x.hostname}"`)}`, 'data-link': '' }, t('network.hunt_host'))));
  if (!ctx.canWrite(tm)) { acts.append(h('p', { class: 'muted' }, t('common.read_only'))); return; }
  try {
    const cat = await get(tpath(tm, `/actions/catalogue?host=${encodeURIComponent(x.hostname)}`));
    for (const a of cat.actions.filter((y) => y.on_host && !y.arg_required)) {
      if (a.action === 'release' && st !== 'isolated') continue;
      if (a.action === 'isolate' && st === 'isolated') continue;
      acts.append(h('button', { class: 'btn small', onclick: (e) => ctx.respond(e.currentTarget, tm, { action: a.action, host: x.hostname }, cat) }, t(`action.${a.action}`)));
    }
  } catch (err) { acts.append(ctx.refusal(err)); }
}

// ---- inbox and chat ---------------------------------------------------------------
async function inbox(ctx, el, p) {
  const tm = p.team;
  const [ib, msgs] = await Promise.all([get(tpath(tm, `/inbox?lang=${ctx.lang()}`)), get(tpath(tm, '/messages'))]);
  const items = ib.inbox.slice().reverse();
  const list = h('ul', { class: 'inbox' }, items.map((m) => h('li', { class: 'card inject' },
    h('div', { class: 'meta' }, h('span', { class: `kind k-${m.kind}` }, t(`inject.${m.kind}`)), ' ', exTime(m.at_ms), ' · ', t('inbox.from'), ' ', raw(m.from || t('inbox.white_cell'))),
    h('h3', {}, raw(m.subject || m.title)),
    m.body ? raw(m.body, 'p', { class: 'body' }) : null,
    m.indicators && m.indicators.length ? h('div', {}, h('h4', {}, t('inbox.indicators')),
      h('ul', { class: 'iocs' }, m.indicators.map((i) => h('li', {}, h('code', { translate: 'no' }, i.value), ' ', h('span', { class: 'muted' }, raw(i.type)),
        ' ', h('a', { href: `/t/${tm}/hunt?q=${encodeURIComponent(`"${i.value}"`)}`, 'data-link': '' }, t('share.hunt')))))) : null)));
  const chatList = h('ol', { class: 'chat', 'aria-live': 'polite' }, msgs.messages.map((m) => {
    const pl = m.payload || {};
    const bcast = !m.team;
    const hint = m.kind === 'hint.release';
    return h('li', { class: hint ? 'hint-msg' : bcast ? 'bcast' : m.actor === ctx.me.user ? 'mine' : '' },
      h('span', { class: 'meta' }, exTime(m.at_ms), ' ', raw(m.actor), bcast ? [' · ', t('chat.broadcast')] : null, hint ? [' · ', t('chat.hint')] : null),
      raw(pl.text || pl.message || '', 'p'));
  }));
  const text = h('input', { id: 'chat-text', maxlength: 2000, autocomplete: 'off', 'aria-label': t('chat.write') });
  const form = ctx.canWrite(tm) ? h('form', { class: 'chat-form', onsubmit: async (e) => {
    e.preventDefault();
    if (!text.value.trim()) return;
    const btn = form.querySelector('button');
    await busy(btn, async () => {
      try { await post(tpath(tm, '/messages'), { text: text.value }); text.value = ''; } catch (err) { toast(ctx.errText(err), 'error'); }
    });
  } }, text, h('button', { class: 'btn primary', type: 'submit' }, t('chat.send'))) : null;
  clear(el, h('div', { class: 'two' },
    section(t('inbox.injects'), items.length ? list : h('p', { class: 'muted' }, t('inbox.empty'))),
    section(t('chat.title'), chatList, form)));
  if (ctx.player) ctx.markRead();
  chatList.lastElementChild && chatList.lastElementChild.scrollIntoView({ block: 'nearest' });
  return { onEvent: reloadOn(['inject', 'act'], () => ctx.reload(), 300) };
}

export const teamPages = {
  overview: { render: overview },
  network: { render: network },
  inbox: { render: inbox },
};
