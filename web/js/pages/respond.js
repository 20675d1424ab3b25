// pages/respond.js — acting on what was found: response actions on a host,
// account, IP or domain (a confirmation first that says the side effects,
// then progress and result from the journal and the stream), incidents and
// their reports (alerts, ATT&CK techniques searchable by id and name,
// indicators, hosts, narrative), and sharing indicators with other teams
// (STIX 2.1 underneath; received ones blocked or hunted in one click).
import { h, clear, raw, badge, table, section, notice, toast, busy, field, select, confirmDialog, debounce } from '../dom.js';
import { get, post, team as tpath } from '../api.js';
import { t, exTime } from '../i18n.js';

// ---- the confirmation every response action goes through -----------------------
export async function respondFlow(ctx, btn, tm, req, cat) {
  const catalogue = cat || await get(tpath(tm, `/actions/catalogue${req.host ? `?host=${encodeURIComponent(req.host)}` : ''}`));
  const info = catalogue.actions.find((a) => a.action === req.action) || {};
  let affects = [];
  if (req.host) {
    const c2 = catalogue.host ? catalogue : await get(tpath(tm, `/actions/catalogue?host=${encodeURIComponent(req.host)}`));
    affects = (c2.host && c2.host.affects) || [];
  }
  const what = t(`action.${req.action}`);
  const target = req.host || req.value || (req.to ? req.to : '');
  const lines = [t('respond.confirm_what', { action: what, target })];
  const effect = t(`effect.${req.action}`);
  lines.push(effect.startsWith('effect.') ? info.effect : effect);
  const disrupting = ['isolate', 'reimage', 'restore', 'patch', 'reflash'].includes(req.action);
  if (req.host && disrupting && affects.length) lines.push(t('respond.takes_down', { host: req.host, services: affects.map((b) => ctx.businessName(b.id, b.name)).join(', ') }));
  else if (req.host && disrupting) lines.push(t('respond.no_service', { host: req.host }));
  if (info.delay_ms) lines.push(t('respond.delay', { min: Math.round(info.delay_ms / 60000) }));
  const ok = await confirmDialog(t('respond.confirm_title', { action: what }), lines, what);
  if (!ok) return null;
  return busy(btn, async () => {
    try {
      const r = await post(tpath(tm, '/actions'), req);
      toast(t('respond.issued', { action: what, target }), 'ok');
      return r;
    } catch (err) { toast(ctx.errText(err), 'error'); return null; }
  });
}

// ---- respond page ------------------------------------------------------------------
async function respond(ctx, el, p) {
  const tm = p.team;
  const [cat, net, acts] = await Promise.all([get(tpath(tm, '/actions/catalogue')), get(tpath(tm, '/network')), get(tpath(tm, '/actions'))]);
  const write = ctx.canWrite(tm);
  const usable = cat.actions.filter((a) => !['report', 'share-indicator'].includes(a.action));
  const actSel = select(usable.map((a) => [a.action, t(`action.${a.action}`)]), p.arg || 'isolate', { id: 'resp-action' });
  const hostSel = select([['', t('respond.pick_host')], ...net.hosts.map((x) => [x.hostname, `${x.hostname} · ${t(`role_host.${x.role}`)}`])], '', { id: 'resp-host' });
  const orgSel = select([['', t('respond.all_orgs')], ...net.organisations.map((o) => [o.id, o.name])], '', { id: 'resp-org' });
  const value = h('input', { id: 'resp-value', autocomplete: 'off', translate: 'no' });
  const port = h('input', { id: 'resp-port', type: 'number', min: 1, max: 65535 });
  const effect = h('p', { class: 'effect', 'aria-live': 'polite' });
  const hostF = field(t('col.host'), hostSel);
  const orgF = field(t('respond.org'), orgSel);
  const valueF = field(t('respond.value'), value);
  const portF = field(t('respond.port'), port);
  const sync = () => {
    const a = usable.find((x) => x.action === actSel.value) || {};
    hostF.hidden = !a.on_host;
    orgF.hidden = !a.on_org;
    valueF.hidden = !a.arg;
    portF.hidden = !a.needs_port;
    valueF.querySelector('label').textContent = a.arg ? t(`arg.${a.arg}`) : t('respond.value');
    const e = t(`effect.${a.action}`);
    effect.textContent = e.startsWith('effect.') ? a.effect : e;
  };
  actSel.addEventListener('change', sync);
  const form = h('form', { class: 'respond-form', onsubmit: async (e) => {
    e.preventDefault();
    const a = usable.find((x) => x.action === actSel.value);
    const req = { action: a.action };
    if (a.on_host) { if (!hostSel.value) { toast(t('respond.need_host'), 'error'); hostSel.focus(); return; } req.host = hostSel.value; }
    if (a.on_org && orgSel.value) req.org = orgSel.value;
    if (a.arg && value.value.trim()) req.value = value.value.trim();
    else if (a.arg_required) { toast(t('respond.need_value'), 'error'); value.focus(); return; }
    if (a.needs_port) req.port = Number(port.value);
    const r = await respondFlow(ctx, form.querySelector('button[type=submit]'), tm, req);
    if (r) ctx.reload();
  } }, field(t('respond.action'), actSel), effect, hostF, orgF, valueF, portF,
  h('button', { class: 'btn primary', type: 'submit' }, t('respond.issue')));
  sync();
  const list = table([t('col.time'), t('respond.action'), t('respond.target'), t('col.actor'), t('col.status')],
    acts.actions.slice().reverse().map((a) => {
      const pl = a.payload || {};
      const done = pl.result || pl.status;
      return h('tr', {}, h('td', {}, exTime(a.at_ms)), h('td', {}, t(`action.${pl.action}`)),
        h('td', {}, raw(pl.host || pl.value || pl.to || pl.org || '')), h('td', {}, raw(a.actor)),
        h('td', { 'data-seq': a.seq }, done ? badge(done) : badge('pending', t('respond.queued', { at: exTime((pl.queued_ms || a.at_ms || 0)) }))));
    }), { empty: t('respond.none') });
  const feed = h('ul', { class: 'mini feed', 'aria-live': 'polite' });
  clear(el, h('div', { class: 'two' },
    write ? section(t('respond.new'), form) : section(t('respond.new'), h('p', { class: 'muted' }, t('common.read_only'))),
    section(t('respond.results'), feed, list)));
  return { onEvent: (type, d) => {
    if (type === 'action') feed.prepend(h('li', {}, exTime(d.at_ms), ' ', badge(d.result), ' ', t(`action.${d.action}`), ' ', raw(d.host), d.detail ? [' — ', raw(d.detail)] : null));
    if (type === 'act' && d.kind === 'action') debounce(() => ctx.reload(), 500)();
  } };
}

// ---- incidents and reports -------------------------------------------------------------
async function incidents(ctx, el, p) {
  const tm = p.team;
  const [alertsR, reports, net] = await Promise.all([get(tpath(tm, '/alerts')), get(tpath(tm, '/reports')), get(tpath(tm, '/network'))]);
  const write = ctx.canWrite(tm);
  const ids = new Set();
  alertsR.alerts.forEach((a) => { if (a.incident) ids.add(a.incident); });
  reports.reports.forEach((r) => { if (r.payload && r.payload.incident) ids.add(r.payload.incident); });
  const incident = h('input', { id: 'inc-id', value: p.arg || `INC-${ids.size + 1}`, translate: 'no' });
  const title = h('input', { id: 'inc-title', maxlength: 200 });
  const narrative = h('textarea', { id: 'inc-narr', rows: 7 });
  const picked = { techniques: new Map(), hosts: new Set(), indicators: [], alerts: new Set() };
  // techniques, searched by id or name
  const techQ = h('input', { id: 'inc-tech', autocomplete: 'off', placeholder: 'T1003 / credential', role: 'combobox', 'aria-expanded': 'false', 'aria-controls': 'tech-list' });
  const techList = h('ul', { id: 'tech-list', class: 'complete static', role: 'listbox' });
  const techChosen = h('ul', { class: 'chips', 'aria-live': 'polite' });
  const drawChosen = () => clear(techChosen, [...picked.techniques.entries()].map(([id, name]) => h('li', { class: 'chip' }, h('code', { translate: 'no' }, id), ' ', raw(name),
    h('button', { class: 'x', type: 'button', 'aria-label': t('common.remove'), onclick: () => { picked.techniques.delete(id); drawChosen(); } }, '×'))));
  const searchTech = debounce(async () => {
    const q = techQ.value.trim();
    if (!q) { clear(techList); techQ.setAttribute('aria-expanded', 'false'); return; }
    try {
      const r = await get(`/attack/techniques?q=${encodeURIComponent(q)}&limit=8`);
      techQ.setAttribute('aria-expanded', String(r.techniques.length > 0));
      clear(techList, r.techniques.map((x) => h('li', { role: 'option' }, h('button', { type: 'button', class: 'linkish', onclick: () => { picked.techniques.set(x.id, x.name); drawChosen(); techQ.value = ''; clear(techList); techQ.focus(); } },
        h('code', { translate: 'no' }, x.id), ' ', raw(x.name), h('span', { class: 'muted' }, ` ${x.tactics}`)))));
    } catch (e) { clear(techList); }
  }, 250);
  techQ.addEventListener('input', searchTech);
  techQ.addEventListener('keydown', (e) => { if (e.key === 'ArrowDown') { const b = techList.querySelector('button'); if (b) { e.preventDefault(); b.focus(); } } });
  // hosts
  const hostBox = h('div', { class: 'checks' }, net.hosts.map((x) => h('label', { class: 'check' }, h('input', { type: 'checkbox', value: x.hostname, onchange: (e) => { if (e.target.checked) picked.hosts.add(x.hostname); else picked.hosts.delete(x.hostname); } }), ' ', raw(x.hostname))));
  // alerts of this incident (or any, to attach)
  const alertBox = h('div', { class: 'checks scroll-y' }, alertsR.alerts.slice().reverse().slice(0, 200).map((a) => h('label', { class: 'check' },
    h('input', { type: 'checkbox', value: a.alert, checked: a.incident && a.incident === incident.value, onchange: (e) => { if (e.target.checked) picked.alerts.add(a.alert); else picked.alerts.delete(a.alert); } }),
    ' ', raw(`#${a.alert} ${a.time.slice(11, 16)} ${a.title} · ${a.host}`))));
  alertsR.alerts.forEach((a) => { if (a.incident && a.incident === incident.value) picked.alerts.add(a.alert); });
  // indicators
  const indType = select([['ipv4-addr', 'IPv4'], ['domain-name', t('ioc.domain')], ['url', 'URL'], ['user-account', t('ioc.account')], ['file:hashes.SHA-256', 'SHA-256'], ['email-addr', t('ioc.email')]], 'ipv4-addr', { 'aria-label': t('share.type') });
  const indVal = h('input', { 'aria-label': t('share.value'), translate: 'no' });
  const indList = h('ul', { class: 'chips' });
  const drawInds = () => clear(indList, picked.indicators.map((x, i) => h('li', { class: 'chip' }, h('code', { translate: 'no' }, x.value), ' ', h('span', { class: 'muted' }, x.type),
    h('button', { class: 'x', type: 'button', 'aria-label': t('common.remove'), onclick: () => { picked.indicators.splice(i, 1); drawInds(); } }, '×'))));
  const addInd = () => { if (indVal.value.trim()) { picked.indicators.push({ type: indType.value, value: indVal.value.trim() }); indVal.value = ''; drawInds(); } };
  const msg = h('div', { role: 'status' });
  const form = h('form', { class: 'report-form', onsubmit: async (e) => {
    e.preventDefault();
    if (!title.value.trim()) { toast(t('report.need_title'), 'error'); title.focus(); return; }
    const body = { title: title.value.trim(), narrative: narrative.value, incident: incident.value.trim(),
      techniques: [...picked.techniques.keys()], hosts: [...picked.hosts], indicators: picked.indicators, alerts: [...picked.alerts] };
    await busy(form.querySelector('button[type=submit]'), async () => {
      try {
        await post(tpath(tm, '/reports'), body);
        toast(t('report.filed'), 'ok');
        ctx.reload();
      } catch (err) { clear(msg, notice('error', ctx.errText(err))); }
    });
  } },
  h('div', { class: 'row' }, field(t('report.incident'), incident), field(t('report.title'), title)),
  h('fieldset', {}, h('legend', {}, t('report.alerts')), alertBox),
  h('fieldset', {}, h('legend', {}, t('report.techniques')), h('div', { class: 'combo' }, h('label', { for: 'inc-tech', class: 'sr-only' }, t('report.techniques')), techQ, techList), techChosen),
  h('fieldset', {}, h('legend', {}, t('report.indicators')), h('div', { class: 'inline' }, indType, indVal, h('button', { class: 'btn small', type: 'button', onclick: addInd }, t('common.add'))), indList),
  h('fieldset', {}, h('legend', {}, t('report.hosts')), hostBox),
  field(t('report.narrative'), narrative, t('report.narrative_hint')),
  msg, h('button', { class: 'btn primary', type: 'submit' }, t('report.submit')));
  const incRows = [...ids].map((id) => {
    const n = alertsR.alerts.filter((a) => a.incident === id).length;
    const reps = reports.reports.filter((r) => r.payload && r.payload.incident === id).length;
    return h('tr', {}, h('td', {}, h('a', { href: `/t/${tm}/incidents/${encodeURIComponent(id)}`, 'data-link': '' }, raw(id))), h('td', { class: 'num' }, n), h('td', { class: 'num' }, reps));
  });
  const repList = reports.reports.slice().reverse().map((r) => {
    const pl = r.payload || {};
    return h('li', { class: 'card report' }, h('h3', {}, raw(pl.title)),
      h('p', { class: 'meta' }, exTime(r.at_ms), ' · ', raw(r.actor), pl.incident ? [' · ', raw(pl.incident)] : null),
      h('p', {}, t('report.summary', { t: (pl.techniques || []).length, h: (pl.hosts || []).length, i: (pl.indicators || []).length })),
      (pl.techniques || []).length ? h('p', { class: 'mono', translate: 'no' }, pl.techniques.join(', ')) : null,
      pl.narrative ? raw(pl.narrative, 'p', { class: 'body' }) : null);
  });
  clear(el, h('div', { class: 'two' },
    write ? section(t('report.new'), form) : section(t('report.new'), h('p', { class: 'muted' }, t('common.read_only'))),
    h('div', {}, section(t('report.incidents'), table([t('report.incident'), t('nav.alerts'), t('report.reports')], incRows, { empty: t('report.no_incidents') })),
      section(t('report.filed_list'), repList.length ? h('ul', { class: 'plain' }, repList) : h('p', { class: 'muted' }, t('report.none'))))));
  return {};
}

// ---- share ------------------------------------------------------------------------------
async function share(ctx, el, p) {
  const tm = p.team;
  const data = await get(tpath(tm, '/shares'));
  const write = ctx.canWrite(tm);
  const others = ctx.playerTeams().filter((x) => x.id.toLowerCase() !== tm.toLowerCase());
  const to = select([['all', t('share.all_teams')], ...others.map((x) => [x.id, x.name])], 'all', { id: 'share-to' });
  const tlp = select([['clear', 'TLP:CLEAR'], ['green', 'TLP:GREEN'], ['amber', 'TLP:AMBER'], ['red', 'TLP:RED']], 'green', { id: 'share-tlp' });
  const note = h('textarea', { id: 'share-note', rows: 3 });
  const rowsEl = h('div', { class: 'ind-rows' });
  const addRow = () => rowsEl.append(h('div', { class: 'inline ind-row' },
    select([['ipv4-addr', 'IPv4'], ['domain-name', t('ioc.domain')], ['url', 'URL'], ['user-account', t('ioc.account')], ['file:hashes.SHA-256', 'SHA-256'], ['email-addr', t('ioc.email')]], 'ipv4-addr', { 'aria-label': t('share.type') }),
    h('input', { 'aria-label': t('share.value'), translate: 'no' })));
  addRow();
  const form = h('form', { class: 'share-form', onsubmit: async (e) => {
    e.preventDefault();
    const inds = [...rowsEl.querySelectorAll('.ind-row')].map((r) => ({ type: r.querySelector('select').value, value: r.querySelector('input').value.trim() })).filter((x) => x.value);
    if (!inds.length) { toast(t('share.need_one'), 'error'); return; }
    await busy(form.querySelector('button[type=submit]'), async () => {
      try {
        await post(tpath(tm, '/shares'), { indicators: inds, to: to.value, tlp: tlp.value, note: note.value || undefined });
        toast(t('share.sent'), 'ok');
        ctx.reload();
      } catch (err) { toast(ctx.errText(err), 'error'); }
    });
  } }, field(t('share.to'), to), field('TLP', tlp),
  h('fieldset', {}, h('legend', {}, t('share.indicators')), rowsEl, h('button', { class: 'btn small', type: 'button', onclick: addRow }, t('share.more'))),
  field(t('share.note'), note), h('button', { class: 'btn primary', type: 'submit' }, t('share.send')));
  const indRows = (list, received) => list.slice().reverse().flatMap((s) => (s.share.indicators || []).map((i) => h('tr', {},
    h('td', {}, exTime(s.at_ms)), h('td', {}, raw(ctx.teamName(received ? s.from : (s.share.to === 'all' ? t('share.all_teams') : s.share.to)))), h('td', {}, raw(s.actor)),
    h('td', {}, h('code', { translate: 'no' }, i.value), ' ', h('span', { class: 'muted' }, raw(i.type))), h('td', {}, raw(`TLP:${(s.share.tlp || '').toUpperCase()}`)),
    received && write ? h('td', { class: 'actions' },
      h('button', { class: 'btn small', onclick: (e) => busy(e.currentTarget, async () => {
        const ok = await confirmDialog(t('share.block_title'), [t('share.block_what', { value: i.value })], t('share.block'));
        if (!ok) return;
        try { await post(tpath(tm, `/shares/${encodeURIComponent(i.id)}/use`), { as: 'block' }); toast(t('share.blocked'), 'ok'); } catch (err) { toast(ctx.errText(err), 'error'); }
      }) }, t('share.block')),
      h('a', { class: 'btn small', href: `/t/${tm}/hunt?q=${encodeURIComponent(`"${i.value}"`)}`, 'data-link': '' }, t('share.hunt'))) : (received ? h('td', {}) : null))));
  clear(el, h('div', { class: 'two' },
    write ? section(t('share.new'), h('p', { class: 'hint' }, t('share.help')), form) : section(t('share.new'), h('p', { class: 'muted' }, t('common.read_only'))),
    h('div', {},
      section(t('share.received'), table([t('col.time'), t('share.from'), t('col.actor'), t('share.indicator'), 'TLP', ''], indRows(data.received, true), { empty: t('share.none_received') })),
      section(t('share.sent_list'), table([t('col.time'), t('share.to'), t('col.actor'), t('share.indicator'), 'TLP'], indRows(data.sent, false), { empty: t('share.none_sent') })))));
  const d = debounce(() => ctx.reload(), 500);
  return { onEvent: (type, ev) => { if (type === 'act' && ev.kind === 'indicator.share') d(); } };
}

export const respondPages = {
  respond: { render: respond },
  incidents: { render: incidents },
  share: { render: share },
};
