// pages/detect.js — finding the intruder: the alert queue and its triage,
// the hunt (search with syntax help and field completion, results with the
// columns that matter for each source, facets, a time histogram, click a
// value to filter, times in UTC and local time), and Sigma rules (validate
// with the line and column of a problem, test on history, deploy, withdraw).
import { h, clear, raw, badge, table, section, notice, toast, busy, field, debounce } from '../dom.js';
import { get, post, del, team as tpath } from '../api.js';
import { t, exTime, wallTimes } from '../i18n.js';

// ---- alerts ----------------------------------------------------------------------
const TRIAGE = [['acknowledged', 'alerts.ack'], ['true-positive', 'alerts.tp'], ['false-positive', 'alerts.fp'], ['escalated', 'alerts.escalate']];

async function alerts(ctx, el, p) {
  const tm = p.team;
  const data = await get(tpath(tm, '/alerts'));
  const list = data.alerts.slice().reverse();
  const detail = h('aside', { class: 'card alert-detail', 'aria-live': 'polite' }, h('p', { class: 'hint' }, t('alerts.pick')));
  const filter = h('select', { 'aria-label': t('alerts.filter') },
    h('option', { value: 'open' }, t('alerts.open')), h('option', { value: 'all' }, t('alerts.all')));
  const body = h('tbody', {});
  const draw = () => {
    const rows = list.filter((a) => filter.value === 'all' || a.status === 'new' || a.status === 'acknowledged' || a.status === 'escalated' || !a.status);
    clear(body, rows.length ? rows.map((a) => h('tr', { class: 'clickable', tabindex: 0, onclick: () => show(a), onkeydown: (e) => { if (e.key === 'Enter') show(a); } },
      h('td', {}, raw(a.time.slice(11, 19))), h('td', {}, badge(a.level)), h('td', {}, raw(a.title)), h('td', {}, raw(a.host)),
      h('td', {}, badge(a.status || 'new', t(`triage.${a.status || 'new'}`))), h('td', {}, raw(a.assignee)), h('td', {}, raw(a.incident)))) :
      h('tr', {}, h('td', { colspan: 7, class: 'empty' }, t('alerts.none'))));
  };
  filter.addEventListener('change', draw);
  const show = (a) => {
    const act = async (btn, body2) => busy(btn, async () => {
      try { await post(tpath(tm, `/alerts/${a.alert}`), body2); toast(t('alerts.saved'), 'ok'); ctx.reload(); } catch (err) { toast(ctx.errText(err), 'error'); }
    });
    const assignee = h('input', { value: a.assignee || ctx.me.user, 'aria-label': t('alerts.assignee') });
    const incident = h('input', { value: a.incident || '', placeholder: 'INC-1', 'aria-label': t('alerts.incident') });
    clear(detail,
      h('h2', {}, raw(a.title)),
      h('dl', { class: 'facts' },
        h('dt', {}, t('col.level')), h('dd', {}, badge(a.level)),
        h('dt', {}, t('col.time')), h('dd', {}, raw(a.time)),
        h('dt', {}, t('col.host')), h('dd', {}, h('a', { href: `/t/${tm}/network/${encodeURIComponent(a.host.split('.')[0])}`, 'data-link': '' }, raw(a.host))),
        h('dt', {}, t('col.rule')), h('dd', {}, raw(a.rule_id)),
        h('dt', {}, t('col.author')), h('dd', {}, raw(a.author || '—')),
        h('dt', {}, t('col.status')), h('dd', {}, badge(a.status || 'new', t(`triage.${a.status || 'new'}`)))),
      h('p', { class: 'hint' }, t('alerts.licence')),
      ctx.canWrite(tm) ? h('div', { class: 'triage' },
        h('div', { class: 'actions' }, TRIAGE.map(([st, key]) => h('button', { class: 'btn small', onclick: (e) => act(e.currentTarget, { status: st }) }, t(key)))),
        h('div', { class: 'inline' }, assignee, h('button', { class: 'btn small', onclick: (e) => act(e.currentTarget, { status: a.status && a.status !== 'new' ? a.status : 'acknowledged', assignee: assignee.value }) }, t('alerts.assign'))),
        h('div', { class: 'inline' }, incident, h('button', { class: 'btn small', onclick: (e) => act(e.currentTarget, { status: a.status && a.status !== 'new' ? a.status : 'acknowledged', incident: incident.value }) }, t('alerts.link')))) : null,
      h('h3', {}, t('alerts.record')),
      h('pre', { class: 'record', translate: 'no', tabindex: 0 }, JSON.stringify(a.event, null, 1)));
  };
  clear(el, h('div', { class: 'toolbar' }, filter, h('span', { class: 'muted' }, t('alerts.count', { n: list.length }))),
    h('div', { class: 'split' },
      h('div', { class: 'scroll' }, h('table', { class: 'tbl' }, h('thead', {}, h('tr', {}, [t('col.time'), t('col.level'), t('col.rule'), t('col.host'), t('col.status'), t('col.assignee'), t('col.incident')].map((c) => h('th', { scope: 'col' }, c)))), body)),
      detail));
  draw();
  if (p.arg) { const a = list.find((x) => String(x.alert) === p.arg); if (a) show(a); }
  const d = debounce(() => ctx.reload(), 600);
  return { onEvent: (type, ev) => { if (type === 'alert' || (type === 'act' && ev.kind === 'alert.triage')) d(); } };
}

// ---- hunt ------------------------------------------------------------------------
// The columns that matter for each source (the rest is in the record view).
const COLUMNS = {
  sysmon: ['Computer', 'EventID', 'Image', 'CommandLine', 'User', 'ParentImage', 'DestinationIp', 'DestinationPort'],
  security: ['Computer', 'EventID', 'TargetUserName', 'SubjectUserName', 'LogonType', 'IpAddress', 'NewProcessName', 'CommandLine'],
  system: ['Computer', 'EventID', 'ServiceName', 'ImagePath', 'Provider_Name'],
  'zeek.conn': ['id.orig_h', 'id.orig_p', 'id.resp_h', 'id.resp_p', 'proto', 'service', 'conn_state', 'orig_bytes', 'resp_bytes'],
  'zeek.dns': ['id.orig_h', 'id.resp_h', 'query', 'qtype_name', 'rcode_name', 'answers'],
  'zeek.http': ['id.orig_h', 'id.resp_h', 'method', 'host', 'uri', 'status_code', 'user_agent'],
  zeek: ['id.orig_h', 'id.resp_h', 'id.resp_p', 'proto', 'uid'],
  'suricata.alert': ['src_ip', 'src_port', 'dest_ip', 'dest_port', 'proto', 'alert.signature', 'alert.severity'],
  suricata: ['src_ip', 'dest_ip', 'dest_port', 'proto', 'event_type'],
  auditd: ['host.name', 'type', 'comm', 'exe', 'uid', 'auid', 'key'],
  'fortinet.firewall': ['observer.name', 'event.action', 'source.ip', 'source.port', 'destination.ip', 'destination.port', 'network.transport', 'rule.name', 'user.name', 'message'],
  'fortinet.webfilter': ['source.ip', 'destination.domain', 'url.original', 'http.response.status_code', 'event.action'],
  'netflow.log': ['observer.name', 'source.ip', 'source.port', 'destination.ip', 'destination.port', 'network.transport', 'network.bytes'],
  'email.gateway': ['email.direction', 'email.from.address', 'email.to.address', 'email.subject', 'event.action', 'email.attachments.file.name'],
  'apache.access': ['host.name', 'source.ip', 'http.request.method', 'url.original', 'http.response.status_code', 'user_agent.original'],
  'system.auth': ['host.name', 'event.action', 'event.outcome', 'user.name', 'source.ip', 'message'],
};
const DEFAULT_COLUMNS = ['host.name', 'observer.name', 'event.dataset', 'event.action', 'source.ip', 'destination.ip', 'user.name', 'message'];
const FACETS = ['Computer', 'host.name', 'observer.name', 'EventID', 'Image', 'User', 'TargetUserName', 'source.ip', 'destination.ip', 'id.orig_h', 'id.resp_h', 'id.resp_p', 'query', 'event.action'];

// The record flattened as the search language names fields.
export function flat(rec) {
  const out = {};
  const walk = (o, prefix) => {
    for (const [k, v] of Object.entries(o || {})) {
      if (k === '#attributes') { walk(v, prefix); continue; }
      const name = prefix ? `${prefix}.${k}` : k;
      if (v && typeof v === 'object' && !Array.isArray(v)) walk(v, name);
      else if (Array.isArray(v)) {
        if (v.length && typeof v[0] === 'object') v.forEach((x) => walk(x, name));
        else out[name] = out[name] === undefined ? v.join(', ') : `${out[name]}, ${v.join(', ')}`;
      } else out[name] = out[name] === undefined ? v : `${out[name]}, ${v}`;
    }
  };
  if (rec && rec.Event && rec.Event.System) {
    const s = rec.Event.System;
    const eid = s.EventID && typeof s.EventID === 'object' ? s.EventID['#text'] : s.EventID;
    Object.assign(out, { EventID: eid, Channel: s.Channel, Computer: s.Computer, Provider_Name: s.Provider && s.Provider['#attributes'] && s.Provider['#attributes'].Name });
    walk(rec.Event.EventData || {}, '');
    walk(rec.Event.UserData || {}, '');
    if (s.TimeCreated && s.TimeCreated['#attributes']) out.TimeCreated = s.TimeCreated['#attributes'].SystemTime;
  } else walk(rec, '');
  return out;
}

function quoteValue(v) {
  const s = String(v);
  return /^[\w.\-@]+$/.test(s) ? s : `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

const SYNTAX = [
  ['EventID:4625', 'hunt.ex_field'], ['CommandLine:*ntdsutil*', 'hunt.ex_wild'], ['"Accepted password"', 'hunt.ex_text'],
  ['EventID:(4624 OR 4625) AND NOT TargetUserName:*$', 'hunt.ex_bool'], ['id.resp_p:[1 TO 1023]', 'hunt.ex_range'],
  ['@timestamp:[now-15m TO now]', 'hunt.ex_time'], ['* | count by Computer', 'hunt.ex_count'], ['* | top 10 Image', 'hunt.ex_top'],
  ['* | sort @timestamp desc | limit 50', 'hunt.ex_sort'], ['* | histogram 5m', 'hunt.ex_hist'],
];

async function hunt(ctx, el, p) {
  const tm = p.team;
  const params = new URLSearchParams(location.search);
  const input = h('input', { id: 'hunt-q', class: 'mono', value: params.get('q') || '', autocomplete: 'off', spellcheck: 'false',
    role: 'combobox', 'aria-autocomplete': 'list', 'aria-expanded': 'false', 'aria-controls': 'hunt-complete', 'aria-label': t('hunt.query') });
  const complete = h('ul', { id: 'hunt-complete', class: 'complete', role: 'listbox', hidden: true });
  const status = h('div', { class: 'hunt-status', role: 'status' });
  const results = h('div', { class: 'hunt-results' });
  const facetsEl = h('div', { class: 'facets' });
  const histEl = h('div', { class: 'histogram' });
  const help = h('details', { class: 'syntax' }, h('summary', {}, t('hunt.syntax')),
    h('table', { class: 'tbl' }, h('tbody', {}, SYNTAX.map(([q, key]) => h('tr', {},
      h('td', {}, h('button', { class: 'linkish mono', type: 'button', onclick: () => { input.value = q; run(false); } }, q)), h('td', {}, t(key)))))),
    h('p', { class: 'hint' }, t('hunt.syntax_more')));
  let fields = [];
  let sources = [];
  const sourcesEl = h('p', { class: 'muted sources' });
  const drawSources = () => clear(sourcesEl, sources.length ? [t('hunt.sources'), ' ', sources.map((s, i) => [i ? ', ' : '', raw(s.source), ` (${s.records})`])] : '');
  // the team's sources and fields first: another team's hunt stops here (403)
  await get(tpath(tm, '/fields')).then((f) => {
    sources = f.sources;
    const seen = new Map();
    for (const s of f.sources) for (const x of s.fields) seen.set(x.name, (seen.get(x.name) || []).concat(s.source));
    fields = [...seen.entries()].map(([name, srcs]) => ({ name, srcs }));
    fields.push({ name: '@timestamp', srcs: [] }, { name: '_exists_', srcs: [] });
    drawSources();
  });

  // completion of the field name under the caret
  let active = -1;
  let items = [];
  const word = () => {
    const upto = input.value.slice(0, input.selectionStart);
    const m = upto.match(/([A-Za-z_@][\w.@]*)$/);
    return m && !/:\S*$/.test(upto) ? m[1] : null;
  };
  const showComplete = () => {
    const w = word();
    items = w ? fields.filter((f) => f.name.toLowerCase().startsWith(w.toLowerCase()) && f.name.toLowerCase() !== w.toLowerCase()).slice(0, 12) : [];
    active = -1;
    complete.hidden = !items.length;
    input.setAttribute('aria-expanded', String(!!items.length));
    clear(complete, items.map((f, i) => h('li', { role: 'option', id: `hc-${i}`, onmousedown: (e) => { e.preventDefault(); take(i); } },
      h('span', { class: 'mono', translate: 'no' }, f.name), f.srcs.length ? h('span', { class: 'muted' }, ` ${f.srcs.slice(0, 3).join(', ')}`) : null)));
  };
  const take = (i) => {
    const w = word();
    if (!w || !items[i]) return;
    const pos = input.selectionStart;
    input.value = `${input.value.slice(0, pos - w.length)}${items[i].name}:${input.value.slice(pos)}`;
    const np = pos - w.length + items[i].name.length + 1;
    input.setSelectionRange(np, np);
    complete.hidden = true;
    input.setAttribute('aria-expanded', 'false');
  };
  input.addEventListener('input', showComplete);
  input.addEventListener('blur', () => { complete.hidden = true; });
  input.addEventListener('keydown', (e) => {
    if (!complete.hidden && items.length) {
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        active = (active + (e.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length;
        [...complete.children].forEach((li, i) => li.setAttribute('aria-selected', String(i === active)));
        input.setAttribute('aria-activedescendant', `hc-${active}`);
        return;
      }
      if ((e.key === 'Tab' || e.key === 'Enter') && active >= 0) { e.preventDefault(); take(active); return; }
      if (e.key === 'Escape') { complete.hidden = true; return; }
    }
    if (e.key === 'Enter') { e.preventDefault(); run(); }
  });

  const addFilter = (name, value) => {
    const term = `${name}:${quoteValue(value)}`;
    const q = input.value.trim();
    const [base, ...pipe] = q.split('|');
    const b = base.trim();
    input.value = `${!b || b === '*' ? term : `${b} AND ${term}`}${pipe.length ? ` |${pipe.join('|')}` : ''}`;
    run();
  };

  let limit = 50; // a page of records: small enough for a satellite link
  async function run(more) {
    limit = more === true ? Math.min(limit * 4, 2000) : 50;
    const q = input.value.trim() || '*';
    history.replaceState({}, '', `${location.pathname}?q=${encodeURIComponent(q)}`);
    complete.hidden = true;
    clear(status, h('span', { class: 'spinner', 'aria-hidden': 'true' }), t('hunt.running'));
    const started = performance.now();
    let res;
    try { res = await post(tpath(tm, '/hunt'), { query: q, limit }); } catch (err) {
      clear(status, notice('error', err.code === 'bad_query' ? t('hunt.bad_query', { msg: err.message }) : ctx.errText(err)));
      if (err.extra && err.extra.col) { input.focus(); input.setSelectionRange(err.extra.col - 1, err.extra.col); }
      clear(results); clear(facetsEl); clear(histEl);
      return;
    }
    const ms = Math.round(performance.now() - started);
    clear(status, res.aggregate ? t('hunt.groups', { n: res.rows.length, ms }) : t('hunt.records', { n: res.rows.length, ms }),
      res.truncated ? [' ', t('hunt.truncated'), ' ', limit < 2000 ? h('button', { class: 'btn small', onclick: () => run(true) }, t('hunt.more')) : null] : null, res.timed_out ? [' ', notice('warn', t('hunt.timed_out'))] : null);
    if (res.aggregate) { drawAggregate(res.rows); clear(facetsEl); clear(histEl); return; }
    if (more === true) { drawRecords(res.rows); return; }
    drawRecords(res.rows);
    const base = q.split('|')[0].trim() || '*';
    if (!q.includes('|')) { drawHistogram(base); drawFacets(base, res.rows); } else { clear(facetsEl); clear(histEl); }
  }

  const drawAggregate = (rows) => {
    const max = rows.reduce((a, r) => Math.max(a, r.count), 1);
    clear(results, table([t('hunt.value'), t('hunt.count'), ''], rows.map((r) => h('tr', {},
      h('td', { class: 'mono' }, raw(r.key)), h('td', { class: 'num' }, r.count.toLocaleString()),
      h('td', { class: 'barcell' }, h('span', { class: 'bar', style: `width:${Math.max(1, Math.round(100 * r.count / max))}%` }))))));
  };

  const drawRecords = (rows) => {
    if (!rows.length) { clear(results, h('p', { class: 'empty' }, t('hunt.nothing'))); return; }
    const off = ctx.offset(tm);
    // group consecutive rows by source so each gets its own columns
    const groups = [];
    for (const r of rows) {
      const src = r.source || 'other';
      if (!groups.length || groups[groups.length - 1].src !== src) groups.push({ src, rows: [] });
      groups[groups.length - 1].rows.push(r);
    }
    clear(results, h('p', { class: 'hint' }, t('hunt.times', { tz: ctx.zone(tm).tz }), ' ', t('hunt.click_value')),
      groups.map((g) => {
        const cols = COLUMNS[g.src] || DEFAULT_COLUMNS;
        const flats = g.rows.map((r) => flat(r.record));
        const used = cols.filter((c) => flats.some((f) => f[c] !== undefined && f[c] !== ''));
        const shown = used.length ? used : Object.keys(flats[0] || {}).filter((k) => !/^(Keywords|Version|Opcode|Task|Level|ProcessID|ThreadID|EventRecordID|Guid)$/.test(k)).slice(0, 6);
        return h('div', { class: 'src-group' },
          h('h3', {}, t('hunt.source'), ' ', h('code', { translate: 'no' }, g.src), ` · ${g.rows.length}`),
          h('div', { class: 'scroll-x' }, h('table', { class: 'tbl results' },
            h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('time.utc')), h('th', { scope: 'col' }, t('time.local')), shown.map((c) => h('th', { scope: 'col', translate: 'no' }, c)), h('th', {}, ''))),
            h('tbody', {}, g.rows.map((r, i) => {
              const w = wallTimes(r.ts_ms, off);
              const f = flats[i];
              const rec = h('tr', { class: 'rec-json', hidden: true }, h('td', { colspan: shown.length + 3 }, h('pre', { class: 'record', translate: 'no' }, JSON.stringify(r.record, null, 1))));
              return [h('tr', {},
                h('td', { class: 'mono nowrap' }, w.utc), h('td', { class: 'mono nowrap' }, w.local),
                shown.map((c) => h('td', { class: 'val' }, f[c] === undefined ? '' : h('button', { class: 'linkish', title: t('hunt.filter_on', { f: c }), onclick: () => addFilter(c, f[c]) }, raw(String(f[c]).slice(0, 300))))),
                h('td', {}, h('button', { class: 'btn tiny', 'aria-expanded': 'false', onclick: (e) => { rec.hidden = !rec.hidden; e.currentTarget.setAttribute('aria-expanded', String(!rec.hidden)); } }, t('hunt.record')))), rec];
            })))));
      }));
  };

  const drawHistogram = async (base) => {
    try {
      const res = await post(tpath(tm, '/hunt'), { query: `${base} | histogram 1m`, limit: 10000 });
      let rows = res.rows;
      // keep the part with records (the background starts days before)
      const first = rows.findIndex((r) => r.count > 0);
      rows = first > 0 ? rows.slice(first) : rows;
      if (rows.length > 240) {
        const k = Math.ceil(rows.length / 240);
        const merged = [];
        for (let i = 0; i < rows.length; i += k) merged.push({ key: rows[i].key, count: rows.slice(i, i + k).reduce((a, r) => a + r.count, 0) });
        rows = merged;
      }
      const max = rows.reduce((a, r) => Math.max(a, r.count), 1);
      const W = 800; const H = 90; const bw = W / Math.max(rows.length, 1);
      const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
      svg.setAttribute('viewBox', `0 0 ${W} ${H + 16}`);
      svg.setAttribute('role', 'img');
      svg.setAttribute('aria-label', t('hunt.histogram'));
      rows.forEach((r, i) => {
        const bh = Math.round((H - 2) * r.count / max);
        const rect = document.createElementNS(svg.namespaceURI, 'rect');
        rect.setAttribute('x', (i * bw).toFixed(1)); rect.setAttribute('y', H - bh); rect.setAttribute('width', Math.max(bw - 1, 1).toFixed(1)); rect.setAttribute('height', bh);
        const title = document.createElementNS(svg.namespaceURI, 'title');
        title.textContent = `${r.key.slice(0, 16).replace('T', ' ')} UTC: ${r.count}`;
        rect.append(title);
        svg.append(rect);
      });
      const lbl = (x, text, anchor) => { const tx = document.createElementNS(svg.namespaceURI, 'text'); tx.setAttribute('x', x); tx.setAttribute('y', H + 13); tx.setAttribute('text-anchor', anchor); tx.textContent = text; svg.append(tx); };
      if (rows.length) {
        // a span that crosses midnight names the days too (boot records come days before the exercise)
        const a = rows[0].key; const b = rows[rows.length - 1].key;
        const at = (k) => (a.slice(0, 10) === b.slice(0, 10) ? k.slice(11, 16) : k.slice(5, 16).replace('T', ' '));
        lbl(0, `${at(a)} UTC`, 'start'); lbl(W, `${at(b)} UTC`, 'end');
      }
      clear(histEl, h('h3', {}, t('hunt.histogram')), svg);
    } catch (err) { clear(histEl); }
  };

  const drawFacets = async (base, rows) => {
    const present = new Set();
    rows.slice(0, 50).forEach((r) => Object.keys(flat(r.record)).forEach((k) => present.add(k)));
    const names = FACETS.filter((f) => present.has(f)).slice(0, 4);
    const parts = await Promise.all(names.map((n) => post(tpath(tm, '/hunt'), { query: `${base} | top 5 ${n}`, limit: 5 }).then((r) => [n, r.rows]).catch(() => [n, []])));
    clear(facetsEl, parts.filter(([, r]) => r.length).map(([n, r]) => h('div', { class: 'facet card' },
      h('h3', { translate: 'no' }, n),
      h('ul', {}, r.map((x) => h('li', {}, h('button', { class: 'linkish', onclick: () => addFilter(n, x.key), title: t('hunt.filter_on', { f: n }) }, raw(x.key)), h('span', { class: 'num muted' }, ` ${x.count}`)))))));
  };

  clear(el,
    h('form', { class: 'hunt-bar', onsubmit: (e) => { e.preventDefault(); run(false); } },
      h('label', { for: 'hunt-q', class: 'sr-only' }, t('hunt.query')),
      h('div', { class: 'combo' }, input, complete),
      h('button', { class: 'btn primary', type: 'submit' }, t('hunt.run'))),
    sourcesEl, help, status, histEl, h('div', { class: 'hunt-layout' }, results, facetsEl));
  input.focus();
  if (input.value) run();
}

// ---- rules -------------------------------------------------------------------------
const RULE_TEMPLATE = `title: My first rule
id: 00000000-0000-4000-8000-000000000001
status: experimental
description: What this rule finds, and why it matters
author: Team
logsource:
  product: windows
  category: process_creation
detection:
  selection:
    CommandLine|contains: 'ntdsutil'
  condition: selection
level: high
`;

async function rules(ctx, el, p) {
  const tm = p.team;
  const data = await get(tpath(tm, '/rules?all=1'));
  const write = ctx.canWrite(tm);
  const ta = h('textarea', { id: 'rule-yaml', class: 'mono editor', rows: 18, spellcheck: 'false', translate: 'no', 'aria-label': t('rules.yaml') });
  ta.value = localStorage.getItem(`seawall.rule.${tm}`) || RULE_TEMPLATE;
  const gutter = h('pre', { class: 'gutter', 'aria-hidden': 'true' });
  const syncGutter = () => { gutter.textContent = ta.value.split('\n').map((_, i) => i + 1).join('\n'); gutter.scrollTop = ta.scrollTop; };
  ta.addEventListener('input', () => { syncGutter(); localStorage.setItem(`seawall.rule.${tm}`, ta.value); });
  ta.addEventListener('scroll', () => { gutter.scrollTop = ta.scrollTop; });
  syncGutter();
  const out = h('div', { class: 'rule-out', role: 'status', 'aria-live': 'polite' });
  const showErr = (err) => {
    const line = err.extra && err.extra.line;
    const col = err.extra && err.extra.col;
    clear(out, notice('error', line ? t('rules.error_at', { line, col: col || 1, msg: err.message }) : ctx.errText(err)));
    if (line) {
      const lines = ta.value.split('\n');
      const start = lines.slice(0, line - 1).reduce((a, l) => a + l.length + 1, 0) + Math.max((col || 1) - 1, 0);
      ta.focus();
      ta.setSelectionRange(start, Math.min(start + (lines[line - 1] || '').length - Math.max((col || 1) - 1, 0), ta.value.length) || start + 1);
    }
  };
  const call = (btn, path) => busy(btn, async () => {
    try { return await post(tpath(tm, path), { yaml: ta.value, file: 'rule.yml' }); } catch (err) { showErr(err); return null; }
  });
  const validate = async (e) => { const r = await call(e.currentTarget, '/rules/validate'); if (r) clear(out, notice('ok', t('rules.valid', { title: r.title, level: r.level })), r.warning ? notice('warn', raw(r.warning)) : null); };
  const test = async (e) => {
    const r = await call(e.currentTarget, '/rules/test');
    if (!r) return;
    clear(out, notice(r.matches ? 'warn' : 'ok', t('rules.tested', { n: r.matches, of: r.records })),
      r.first.length ? h('details', {}, h('summary', {}, t('rules.first_matches')), h('pre', { class: 'record', translate: 'no' }, r.first.slice(0, 5).map((m) => JSON.stringify(m.event)).join('\n'))) : null);
  };
  const deploy = async (e) => { const r = await call(e.currentTarget, '/rules'); if (r) { toast(t('rules.deployed'), 'ok'); ctx.reload(); } };
  const list = table([t('col.rule'), t('col.level'), t('col.author'), t('col.status'), t('rules.deployed_by'), ''],
    data.rules.slice().reverse().map((r) => h('tr', {},
      h('td', {}, raw(r.title), h('div', { class: 'muted mono' }, raw(r.id))), h('td', {}, badge(r.level)), h('td', {}, raw(r.author)),
      h('td', {}, badge(r.status)), h('td', {}, raw(r.deployed_by)),
      h('td', {}, write && r.status === 'live' ? h('button', { class: 'btn small', onclick: (e) => busy(e.currentTarget, async () => {
        try { await del(tpath(tm, `/rules/${encodeURIComponent(r.id)}`)); toast(t('rules.withdrawn'), 'ok'); ctx.reload(); } catch (err) { toast(ctx.errText(err), 'error'); }
      }) }, t('rules.withdraw')) : null))), { empty: t('rules.none') });
  clear(el, h('div', { class: 'two' },
    section(t('rules.write'),
      h('p', { class: 'hint' }, t('rules.help')),
      h('div', { class: 'editor-wrap' }, gutter, ta),
      write ? h('div', { class: 'actions' },
        h('button', { class: 'btn', onclick: validate }, t('rules.validate')),
        h('button', { class: 'btn', onclick: test }, t('rules.test')),
        h('button', { class: 'btn primary', onclick: deploy }, t('rules.deploy'))) : h('p', { class: 'muted' }, t('common.read_only')),
      out),
    section(t('rules.list'), list)));
  return {};
}

export const detectPages = {
  alerts: { render: alerts },
  hunt: { render: hunt },
  rules: { render: rules },
};
