// pages/white.js — the white cell: the clock (start, pause, speed, end) with
// every team at a glance, per-team ground truth (the adversary's progress,
// footholds, what it is after), the inject timeline (fired and to come;
// release one, or write one now to one team or all), hints and broadcasts,
// and accounts (add, disable, reset, import a CSV for a room of fifty).
import { h, clear, raw, badge, table, section, notice, toast, busy, field, select, confirmDialog, debounce } from '../dom.js';
import { get, post, patch, team as tpath } from '../api.js';
import { t, exTime } from '../i18n.js';

const pct = (x) => `${Math.round((x || 0) * 1000) / 10}%`;

// ---- control ---------------------------------------------------------------------
async function control(ctx, el) {
  const ex = await get('/exercise');
  ctx.ex = ex;
  const c = ctx.clock || ex.clock; // the act's answer and the stream keep it current
  const nets = await Promise.all(ctx.playerTeams().map((tm) => get(tpath(tm.id, '/network')).catch(() => null)));
  const clockBtn = (what, label, cls = 'btn') => h('button', { class: cls, onclick: async (e) => {
    if (what === 'end' && !(await confirmDialog(t('control.end_title'), [t('control.end_what')], t('control.end')))) return;
    await busy(e.currentTarget, async () => {
      try { ctx.clockChanged(await post('/exercise/clock', { what })); toast(t('control.done', { what: label }), 'ok'); ctx.reload(); } catch (err) { toast(ctx.errText(err), 'error'); }
    });
  } }, label);
  const speed = h('input', { id: 'speed', type: 'number', min: 0.1, max: 3600, step: 'any', value: c.speed });
  const state = c.state;
  const controls = section(t('control.clock'),
    h('p', { class: 'clock-big' }, exTime(ctx.nowMs()), h('span', { class: 'muted' }, ` / ${exTime(c.until_ms)} `), badge(state), ` ×${c.speed}`),
    h('div', { class: 'actions' },
      state === 'not started' ? clockBtn('start', t('control.start'), 'btn primary') : null,
      state === 'running' ? clockBtn('pause', t('control.pause')) : null,
      state === 'paused' ? clockBtn('resume', t('control.resume'), 'btn primary') : null,
      state !== 'ended' ? clockBtn('end', t('control.end'), 'btn danger') : null),
    h('form', { class: 'inline', onsubmit: async (e) => {
      e.preventDefault();
      await busy(e.submitter || e.target.querySelector('button'), async () => {
        try { ctx.clockChanged(await post('/exercise/clock', { what: 'speed', speed: Number(speed.value) })); toast(t('control.speed_set', { x: speed.value }), 'ok'); } catch (err) { toast(ctx.errText(err), 'error'); }
      });
    } }, h('label', { for: 'speed' }, t('clock.speed')), speed, h('button', { class: 'btn', type: 'submit' }, t('control.set_speed'))),
    h('p', { class: 'hint' }, t('control.speed_hint')));
  const teams = section(t('control.teams'), table([t('col.team'), t('overview.services'), t('col.availability'), t('control.hosts_down'), ''],
    ctx.playerTeams().map((tm, i) => {
      const n = nets[i];
      if (!n) return h('tr', {}, h('td', {}, raw(tm.name)), h('td', { colspan: 4 }, '—'));
      const down = n.business.filter((b) => b.state !== 'up');
      return h('tr', {}, h('td', {}, raw(tm.name)),
        h('td', {}, down.length ? down.map((b) => h('div', {}, badge(b.state), ' ', raw(ctx.businessName(b.id, b.name)), b.cause ? h('span', { class: 'muted' }, [' — ', raw(b.cause)]) : null)) : badge('up', t('control.all_up'))),
        h('td', { class: 'num' }, pct(n.availability)),
        h('td', { class: 'num' }, n.hosts.filter((x) => x.state !== 'up' || x.isolated).length),
        h('td', {}, h('a', { href: `/t/${tm.id}/overview`, 'data-link': '' }, t('control.open_team'))));
    })));
  clear(el, h('div', { class: 'grid' }, controls, teams));
  const d = debounce(() => ctx.reload(), 800);
  return { onEvent: (type, ev) => { if (type === 'status' || (type === 'clock' && ev.changed)) d(); } };
}

// ---- ground truth ------------------------------------------------------------------
// Each adversary against the team: its footholds and objectives (the
// exercise's snapshot), its playbook in order with the steps done (the
// exercise's record of them, and what the stream showed since) and the next
// ones, and the steps as they happen.
async function truth(ctx, el, p) {
  const teams = ctx.playerTeams();
  const pick = p.arg || (teams[0] && teams[0].id);
  const same = (a, b) => String(a).toLowerCase() === String(b).toLowerCase();
  const tabs = h('div', { class: 'tabs', role: 'tablist' }, teams.map((tm) => h('a', { role: 'tab', href: `/truth/${tm.id}`, 'data-link': '', 'aria-selected': String(tm.id === pick), class: tm.id === pick ? 'tab on' : 'tab' }, raw(tm.name))));
  const [tr, plan] = await Promise.all([get(tpath(pick, '/truth')), get(tpath(pick, '/truth/plan')).catch(() => ({ adversaries: [] }))]);
  const seen = ctx.truthLog.filter((e) => e.type === 'step' && same(e.team, pick));
  const feedItem = (ev) => h('li', {}, exTime(ev.t_ms ?? ev.at_ms), ' ', badge(ev.outcome === 'success' ? 'compromised' : 'failed', t(ev.outcome === 'success' ? 'truth.success' : 'truth.failure')),
    ' ', h('code', { translate: 'no' }, raw(ev.technique || '')), ' ', raw(ev.step || ev.type || ''), ' → ', raw(ev.hostname || ''));
  // before this page saw any, the steps as the exercise recorded them
  const recorded = tr.adversaries.flatMap((a) => (a.steps || []).map((s) => {
    const pa = plan.adversaries.find((x) => x.id === a.id);
    const st = pa && pa.steps.find((x) => x.id === s.step);
    const ok = s.success_ms !== null && s.success_ms !== undefined;
    return { t_ms: ok ? s.success_ms : s.first_ms, outcome: ok ? 'success' : 'failure', technique: st ? st.technique : '', step: s.step, hostname: (s.hosts || [])[0] || '' };
  })).sort((x, y) => x.t_ms - y.t_ms);
  const feed = h('ol', { class: 'mini feed', 'aria-live': 'polite' }, (seen.length ? seen : recorded).slice(-40).reverse().map(feedItem));
  const planOf = (advId) => {
    const pa = plan.adversaries.find((x) => x.id === advId);
    if (!pa) return null;
    const ta = tr.adversaries.find((x) => x.id === advId);
    const done = new Set(seen.filter((e) => e.adversary === advId && e.outcome === 'success').map((e) => e.step)
      .concat(((ta && ta.steps) || []).filter((s) => s.success_ms !== null && s.success_ms !== undefined).map((s) => s.step)));
    const lastDone = pa.steps.reduce((a, st, i) => (done.has(st.id) ? i : a), -1);
    return h('div', {}, h('h3', {}, t('truth.plan')),
      h('ol', { class: 'plan' }, pa.steps.map((st, i) => h('li', { class: done.has(st.id) ? 'done' : (i > lastDone && i <= lastDone + 2 ? 'next' : '') },
        done.has(st.id) ? badge('compromised', t('truth.step_done')) : (i > lastDone && i <= lastDone + 2 ? badge('pending', t('truth.step_next')) : null), ' ',
        h('code', { translate: 'no' }, raw(st.technique)), ' ', raw(st.name)))));
  };
  const advs = tr.adversaries.map((a) => section(raw(a.name),
    h('p', {}, t('truth.c2'), ' ', badge(a.c2 ? 'live' : 'down', a.c2 ? t('truth.c2_up') : t('truth.c2_down'))),
    h('h3', {}, t('truth.footholds')),
    table([t('col.host'), t('truth.priv'), t('truth.persistence')], a.footholds.map((f) => h('tr', {}, h('td', {}, raw(f.hostname)), h('td', {}, raw(f.priv)), h('td', {}, raw((f.persistence || []).join(', ') || '—')))), { empty: t('truth.no_footholds') }),
    h('h3', {}, t('truth.objectives')),
    table([t('truth.objective'), t('col.kind'), t('col.status')], a.objectives.map((o) => h('tr', {}, h('td', {}, raw(o.id)), h('td', {}, raw(o.kind)),
      h('td', {}, o.reached_ms !== null && o.reached_ms !== undefined ? badge(o.holds ? 'compromised' : 'done', t(o.holds ? 'truth.reached_holds' : 'truth.reached', { at: exTime(o.reached_ms) })) : badge('pending', t('truth.not_yet')))))),
    planOf(a.id)));
  clear(el, tabs, h('div', { class: 'grid' }, advs.length ? advs : notice('info', t('truth.no_adversary')), section(t('truth.live'), h('p', { class: 'hint' }, t('truth.live_hint')), feed)));
  const d = debounce(() => ctx.reload(), 2500);
  return { onEvent: (type, ev) => {
    if (type !== 'truth' || !same(ev.team, pick)) return;
    if (ev.type === 'step') feed.prepend(feedItem(ev));
    while (feed.children.length > 40) feed.lastChild.remove();
    d();
  } };
}

// ---- injects -------------------------------------------------------------------------
async function injects(ctx, el) {
  const data = await get(`/injects?lang=${ctx.lang()}`);
  const sentIds = new Set(data.sent.map((s) => s.id).filter(Boolean));
  const teamsAll = [['all', t('share.all_teams')], ...ctx.playerTeams().map((x) => [x.id, x.name])];
  const rows = data.scenario.map((i) => h('tr', {},
    h('td', { class: 'mono nowrap' }, raw(i.id)), h('td', {}, raw(i.title)), h('td', {}, t(`inject.${i.kind}`)),
    h('td', {}, i.trigger === 'time' ? exTime(i.at_ms) : t(`trigger.${i.trigger}`)),
    h('td', {}, i.white_cell ? t('injects.white_cell') : i.to.length ? raw(i.to.map((x) => ctx.teamName(x)).join(', ')) : t('share.all_teams')),
    h('td', {}, sentIds.has(i.id) ? badge('done', t('injects.fired')) : badge('pending', t('injects.waiting'))),
    h('td', {}, sentIds.has(i.id) ? null : h('button', { class: 'btn small', onclick: (e) => busy(e.currentTarget, async () => {
      if (!(await confirmDialog(t('injects.release_title'), [t('injects.release_what', { title: i.title })], t('injects.release')))) return;
      try { await post('/injects', { id: i.id }); toast(t('injects.released'), 'ok'); ctx.reload(); } catch (err) { toast(ctx.errText(err), 'error'); }
    }) }, t('injects.release')))));
  const to = select(teamsAll, 'all', { id: 'inj-to' });
  const subject = h('input', { id: 'inj-subject', maxlength: 200 });
  const body = h('textarea', { id: 'inj-body', rows: 6 });
  const form = h('form', { onsubmit: async (e) => {
    e.preventDefault();
    await busy(form.querySelector('button[type=submit]'), async () => {
      try { await post('/injects', { to: to.value, subject: subject.value, body: body.value }); toast(t('injects.sent'), 'ok'); ctx.reload(); } catch (err) { toast(ctx.errText(err), 'error'); }
    });
  } }, field(t('share.to'), to), field(t('injects.subject'), subject), field(t('injects.body'), body), h('button', { class: 'btn primary', type: 'submit' }, t('injects.send')));
  const sent = data.sent.slice().reverse().map((s) => h('li', {}, exTime(s.at_ms), ' ', h('span', { class: `kind k-${s.kind}` }, t(`inject.${s.kind}`)), ' ', raw(s.subject || s.title)));
  clear(el, section(t('injects.timeline'), table([t('col.id'), t('injects.title'), t('col.kind'), t('injects.when'), t('share.to'), t('col.status'), ''], rows)),
    h('div', { class: 'two' }, section(t('injects.compose'), form), section(t('injects.sent_list'), sent.length ? h('ul', { class: 'mini' }, sent) : h('p', { class: 'muted' }, t('common.none')))));
  const d = debounce(() => ctx.reload(), 800);
  return { onEvent: (type) => { if (type === 'inject') d(); } };
}

// ---- hints and broadcasts ---------------------------------------------------------------
async function messages(ctx, el) {
  const teams = ctx.playerTeams();
  const hintTeam = select(teams.map((x) => [x.id, x.name]), teams[0] && teams[0].id, { id: 'hint-team' });
  const hintText = h('textarea', { id: 'hint-text', rows: 4 });
  const bText = h('textarea', { id: 'bcast-text', rows: 4 });
  const hintForm = h('form', { onsubmit: async (e) => {
    e.preventDefault();
    await busy(hintForm.querySelector('button'), async () => {
      try { await post(tpath(hintTeam.value, '/hints'), { text: hintText.value }); hintText.value = ''; toast(t('messages.hint_sent'), 'ok'); } catch (err) { toast(ctx.errText(err), 'error'); }
    });
  } }, field(t('col.team'), hintTeam), field(t('messages.hint'), hintText, t('messages.hint_cost')), h('button', { class: 'btn primary', type: 'submit' }, t('messages.send_hint')));
  const bForm = h('form', { onsubmit: async (e) => {
    e.preventDefault();
    await busy(bForm.querySelector('button'), async () => {
      try { await post('/broadcasts', { text: bText.value }); bText.value = ''; toast(t('messages.broadcast_sent'), 'ok'); } catch (err) { toast(ctx.errText(err), 'error'); }
    });
  } }, field(t('messages.broadcast'), bText), h('button', { class: 'btn primary', type: 'submit' }, t('messages.send_broadcast')));
  const penTeam = select(teams.map((x) => [x.id, x.name]), teams[0] && teams[0].id, { id: 'penalty-team' });
  const penText = h('textarea', { id: 'penalty-text', rows: 3 });
  const penForm = h('form', { onsubmit: async (e) => {
    e.preventDefault();
    await busy(penForm.querySelector('button'), async () => {
      try { await post(tpath(penTeam.value, '/penalties'), { text: penText.value }); penText.value = ''; toast(t('messages.penalty_sent'), 'ok'); } catch (err) { toast(ctx.errText(err), 'error'); }
    });
  } }, field(t('col.team'), penTeam), field(t('messages.penalty'), penText, t('messages.penalty_cost')), h('button', { class: 'btn', type: 'submit' }, t('messages.send_penalty')));
  const feed = h('ol', { class: 'chat' });
  const load = async () => {
    const all = await Promise.all(teams.map((x) => get(tpath(x.id, '/messages')).then((m) => m.messages).catch(() => [])));
    const hints = await Promise.all(teams.map((x) => get(tpath(x.id, '/hints')).then((m) => m.hints.map((y) => ({ ...y, team: x.id, hint: true }))).catch(() => [])));
    const seen = new Set();
    const items = [...all.flat(), ...hints.flat()].filter((m) => { const k = `${m.seq}`; if (seen.has(k)) return false; seen.add(k); return true; }).sort((a, b) => a.seq - b.seq).slice(-60);
    items.forEach((m) => { if (m.kind === 'hint.release') m.hint = true; });
    clear(feed, items.map((m) => h('li', { class: m.hint ? 'hint-msg' : !m.team ? 'bcast' : '' },
      h('span', { class: 'meta' }, exTime(m.at_ms), ' ', raw(m.actor), ' → ', m.team ? raw(ctx.teamName(m.team)) : t('share.all_teams'), m.hint ? [' · ', t('chat.hint')] : null),
      raw(m.text || (m.payload && m.payload.text) || '', 'p'))));
  };
  await load();
  clear(el, h('div', { class: 'two' }, h('div', {}, section(t('messages.hints'), hintForm), section(t('messages.broadcasts'), bForm), section(t('messages.penalties'), penForm)), section(t('messages.all'), feed)));
  const d = debounce(load, 400);
  return { onEvent: (type, ev) => { if (type === 'act' && /^(message|hint)/.test(ev.kind)) d(); } };
}

// ---- accounts (administrator) ------------------------------------------------------------
async function users(ctx, el) {
  const data = await get('/users');
  const teams = ctx.teams;
  const out = h('div', { role: 'status', 'aria-live': 'polite' });
  const showPw = (rows) => clear(out, notice('ok', t('users.passwords_once')), table([t('users.name'), t('users.role'), t('col.team'), t('users.password')],
    rows.map((r) => h('tr', {}, h('td', {}, raw(r.user)), h('td', {}, r.role ? t(`role.${r.role}`) : ''), h('td', {}, raw(r.team || '')), h('td', { class: 'mono' }, raw(r.password || '—'))))));
  const name = h('input', { id: 'u-name', autocomplete: 'off', maxlength: 64 });
  const role = select(['player', 'instructor', 'observer', 'admin'].map((r) => [r, t(`role.${r}`)]), 'player', { id: 'u-role' });
  const team = select([['', '—'], ...teams.map((x) => [x.id, `${x.name} (${t(`teamkind.${x.kind}`)})`])], '', { id: 'u-team' });
  const addForm = h('form', { class: 'inline-form', onsubmit: async (e) => {
    e.preventDefault();
    await busy(addForm.querySelector('button'), async () => {
      try { const r = await post('/users', { user: name.value, role: role.value, team: team.value || undefined }); showPw([{ ...r, role: role.value, team: team.value }]); name.value = ''; refresh(); } catch (err) { clear(out, notice('error', ctx.errText(err))); }
    });
  } }, field(t('users.name'), name), field(t('users.role'), role), field(t('col.team'), team), h('button', { class: 'btn primary', type: 'submit' }, t('users.add')));
  const csv = h('textarea', { id: 'u-csv', rows: 6, class: 'mono', placeholder: 'name,role,team\nalice,player,palau\nbob,observer,fiji' });
  const file = h('input', { type: 'file', accept: '.csv,text/csv', 'aria-label': t('users.csv_file') });
  file.addEventListener('change', async () => { if (file.files[0]) csv.value = await file.files[0].text(); });
  const importForm = h('form', { onsubmit: async (e) => {
    e.preventDefault();
    await busy(importForm.querySelector('button[type=submit]'), async () => {
      try {
        const r = await post('/users/import', { csv: csv.value });
        showPw(r.created);
        if (r.problems.length) out.append(notice('error', r.problems.map((x) => t('users.csv_problem', { line: x.line, msg: x.message })).join(' · ')));
        refresh();
      } catch (err) { clear(out, notice('error', ctx.errText(err))); }
    });
  } }, field(t('users.csv'), csv, t('users.csv_hint')), file, h('button', { class: 'btn primary', type: 'submit' }, t('users.import')));
  const listEl = h('div', {});
  const refresh = async () => {
    const d = await get('/users');
    draw(d.users);
  };
  const draw = (list) => clear(listEl, table([t('users.name'), t('users.role'), t('col.team'), t('col.status'), ''], list.map((u) => h('tr', {},
    h('td', {}, raw(u.user)), h('td', {}, t(`role.${u.role}`)), h('td', {}, raw(u.team)),
    h('td', {}, u.disabled ? badge('down', t('users.disabled')) : badge('up', t('users.active')), u.must_change ? [' ', h('span', { class: 'muted' }, t('users.one_time'))] : null),
    h('td', { class: 'actions' },
      u.user !== ctx.me.user ? h('button', { class: 'btn small', onclick: (e) => busy(e.currentTarget, async () => {
        try { await patch(`/users/${encodeURIComponent(u.user)}`, { disabled: !u.disabled }); refresh(); } catch (err) { toast(ctx.errText(err), 'error'); }
      }) }, u.disabled ? t('users.enable') : t('users.disable')) : null,
      h('button', { class: 'btn small', onclick: (e) => busy(e.currentTarget, async () => {
        if (!(await confirmDialog(t('users.reset_title'), [t('users.reset_what', { user: u.user })], t('users.reset')))) return;
        try { const r = await patch(`/users/${encodeURIComponent(u.user)}`, { password: '' }); showPw([{ ...r, role: u.role, team: u.team }]); refresh(); } catch (err) { toast(ctx.errText(err), 'error'); }
      }) }, t('users.reset')))))));
  draw(data.users);
  clear(el, out, h('div', { class: 'two' }, section(t('users.add_one'), addForm), section(t('users.import_csv'), importForm)), section(t('users.list'), listEl));
  return {};
}

// who each page is for (the server decides; this only says so in words)
const white = (ctx) => ctx.white;
export const whitePages = {
  control: { render: control, allow: white },
  truth: { render: truth, allow: (ctx) => ctx.white || (ctx.observer && ctx.obsSees('everything')) },
  injects: { render: injects, allow: white },
  messages: { render: messages, allow: white },
  users: { render: users, allow: (ctx) => ctx.admin },
};
