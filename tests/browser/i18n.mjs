// i18n.mjs — every main page in English and Japanese, for a player, the
// white cell (an instructor and the administrator) and an observer, on the
// Pacific exercise: the Japanese catalogue has every key of the English one
// (non-empty, with the same {placeholders}); no page shown in Japanese
// carries an English catalogue string or a raw key; the scenario's own text
// (inject, briefing, service names) comes in Japanese where translated.
// Screenshots of each page in both languages go to build/screenshots/.
import { runTest, login, shot, open, check, catalogue, sleep } from './lib.mjs';

const en = catalogue('en');
const ja = catalogue('ja');
const placeholders = (s) => [...String(s).matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort().join(',');
const missing = Object.keys(en).filter((k) => !(k in ja));
const empty = Object.keys(ja).filter((k) => !String(ja[k]).trim());
const badPh = Object.keys(en).filter((k) => k in ja && placeholders(en[k]) !== placeholders(ja[k]));
const extra = Object.keys(ja).filter((k) => !(k in en));
check('the Japanese catalogue has every key of the English one', missing.length === 0, missing.join(' '));
check('... none of them empty', empty.length === 0, empty.join(' '));
check('... with the same placeholders', badPh.length === 0, badPh.join(' '));
check('... and no key the English one lacks', extra.length === 0, extra.join(' '));

// Text on the page (and placeholder, title, aria-label) that is an English
// catalogue string the Japanese one translates, or a raw key. Data from the
// exercise is marked translate="no" and left out.
function untranslated(cat) {
  const { en: E, ja: J } = cat;
  const esc = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pats = [];
  for (const [k, v] of Object.entries(E)) {
    if (J[k] === v || v.replace(/\{\w+\}/g, '').replace(/[\s\W\d]/g, '').length < 2) continue;
    pats.push([k, new RegExp(`^${esc(v).replace(/\\\{\w+\\\}/g, '[\\s\\S]*')}$`)]);
  }
  const keyLike = new RegExp(`^(${[...new Set(Object.keys(E).map((k) => k.split('.')[0]))].join('|')})\\.[a-z_.-]+$`);
  const found = [];
  const skip = (el) => el.closest('[translate="no"], script, style, noscript, code, pre, .record');
  const test = (text, where) => {
    const s = text.replace(/\s+/g, ' ').trim();
    if (!s) return;
    if (keyLike.test(s)) { found.push(`raw key "${s}" (${where})`); return; }
    for (const [k, re] of pats) if (re.test(s)) { found.push(`"${s}" = en ${k} (${where})`); return; }
  };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!el || skip(el) || el.closest('[hidden]')) continue;
    test(n.textContent, el.tagName.toLowerCase());
  }
  for (const el of document.querySelectorAll('[placeholder], [title], [aria-label]')) {
    if (skip(el)) continue;
    for (const a of ['placeholder', 'title', 'aria-label']) if (el.getAttribute(a)) test(el.getAttribute(a), `@${a}`);
  }
  for (const o of document.querySelectorAll('option')) if (!skip(o)) test(o.textContent, 'option');
  return found;
}

async function setLang(page, lang) {
  await page.selectOption('#top select.lang', lang);
  await page.waitForFunction((l) => document.documentElement.lang === l && document.getElementById('main').dataset.ready, lang, { timeout: 15000 });
  await sleep(200);
}

async function tour(page, who, routes) {
  for (const lang of ['ja', 'en']) {
    await setLang(page, lang);
    for (const [name, route] of routes) {
      await open(page, route);
      await shot(page, `${who}-${name}-${lang}`);
      if (lang === 'ja') {
        const bad = await page.evaluate(untranslated, { en, ja });
        check(`${who} ${name} in Japanese: nothing left in English`, bad.length === 0, bad.slice(0, 6).join('; '));
      }
    }
  }
}

await runTest({ scenario: 'pacific-cable', speed: 300 }, async (s, b) => {
  const admin = await s.accounts([
    { user: 'palau1', role: 'player', team: 'palau' },
    { user: 'fsm1', role: 'player', team: 'fsm' },
    { user: 'white1', role: 'instructor' },
    { user: 'fiji1', role: 'observer', team: 'fiji' },
  ]);
  // something on every page: a rule that fires, chat, a share, a report, a hint
  const pw = await s.session('palau1', 'player-pass-123');
  const rule = 'title: Network logon\nid: 7d9e2a10-0c4b-4f5e-8a61-2b3c4d5e6f70\nstatus: test\nauthor: Palau SOC\nlogsource: {product: windows, service: security}\ndetection:\n  sel: {EventID: 4624, LogonType: 3}\n  condition: sel\nlevel: low\n';
  const dep = await pw.post('/teams/palau/rules', { yaml: rule });
  check('setup: a rule deployed', dep.status === 200, JSON.stringify(dep.body));
  await pw.post('/teams/palau/messages', { text: 'Starting on the VPN appliance logs.' });
  await pw.post('/teams/palau/shares', { indicators: [{ type: 'ipv4-addr', value: '203.0.113.45' }], to: 'all', tlp: 'green', note: 'From the CERT advisory' });
  await pw.post('/teams/palau/reports', { title: 'Advisory indicators blocked', narrative: 'Blocked the advisory addresses at the boundary.', techniques: ['T1190'], hosts: [], indicators: [{ type: 'ipv4-addr', value: '203.0.113.45' }] });
  await pw.post('/teams/palau/actions', { action: 'block-ip', value: '203.0.113.45' });
  await admin.post('/teams/palau/hints', { text: 'Who manages the customer routers?' });
  for (let k = 0; k < 60 && !((await pw.get('/teams/palau/alerts')).body.alerts || []).length; k++) await sleep(500);
  check('setup: the rule raised alerts', ((await pw.get('/teams/palau/alerts')).body.alerts || []).length > 0);

  const p = await login(b, s, 'palau1');
  await tour(p, 'player', ['overview', 'network', 'alerts', 'hunt', 'rules', 'respond', 'incidents', 'share', 'inbox'].map((x) => [x, x === 'hunt' ? '/t/palau/hunt?q=EventID%3A1' : `/t/palau/${x}`])
    .concat([['scoreboard', '/scoreboard'], ['briefing', '/briefing'], ['report', '/report']]));
  await setLang(p, 'ja');
  await open(p, '/t/palau/inbox');
  const inbox = await p.textContent('.inbox');
  check('the Pacific injects reach a Japanese player in Japanese', inbox.includes('【注意喚起】'), inbox.slice(0, 200));
  await open(p, '/t/palau/overview');
  check('business services are named in Japanese', (await p.textContent('#main')).includes('国際トランジット（パラオ）'));
  check('Palau\'s local time is Palau\'s (UTC+09:00), not the exercise\'s Guam', (await p.textContent('#main')).includes('Pacific/Palau') && (await p.textContent('#main')).includes('UTC+09:00'));
  check('the language choice sticks to the user (after a reload)', await p.reload().then(() => p.waitForFunction(() => document.documentElement.lang === 'ja' && document.getElementById('main').dataset.ready, null, { timeout: 15000 })).then(() => true).catch(() => false));
  await setLang(p, 'en');

  const w = await login(b, s, 'white1');
  await tour(w, 'white', [['control', '/control'], ['truth', '/truth/palau'], ['injects', '/injects'], ['messages', '/messages'],
    ['scoreboard', '/scoreboard'], ['timeline', '/timeline'], ['briefing', '/briefing/instructors'], ['report', '/report'], ['team-overview', '/t/fsm/overview']]);
  // the white cell records a rule a team broke from the Hints page; the scoreboard counts it
  const penBefore = await w.evaluate(async () => (await (await fetch('/api/v1/scoreboard')).json()).teams.find((x) => x.id === 'nauru').penalties);
  await open(w, '/messages');
  await w.selectOption('#penalty-team', 'nauru');
  await w.fill('#penalty-text', 'Scanned an address outside the range.');
  await w.click('#penalty-text >> xpath=ancestor::form//button[@type="submit"]');
  await w.waitForSelector('.toast.t-ok', { timeout: 10000 }).catch(() => {});
  let penAfter = penBefore;
  for (let i = 0; i < 50 && penAfter === penBefore; i++) {
    await w.waitForTimeout(200);
    penAfter = await w.evaluate(async () => (await (await fetch('/api/v1/scoreboard')).json()).teams.find((x) => x.id === 'nauru').penalties);
  }
  check('the white cell records a rule nauru broke from the Hints page, and it costs nauru 50', penAfter === penBefore + 50, { penBefore, penAfter });
  const w2 = await login(b, s, 'white1'); // a fresh page: nothing seen on the stream yet
  await open(w2, '/truth/palau');
  const doneSteps = await w2.locator('ol.plan li.done').count();
  const fed = await w2.locator('ol.feed li').count();
  check('a white cell arriving late sees the steps already done on the playbook and in the feed', doneSteps > 0 && fed > 0, { doneSteps, fed });
  await w2.context().close();
  await open(w, '/t/fsm/overview');
  check('the white cell sees FSM\'s overview in FSM\'s local time (Pohnpei, UTC+11:00)', (await w.textContent('#main')).includes('Pacific/Pohnpei') && (await w.textContent('#main')).includes('UTC+11:00'));
  await setLang(w, 'ja');
  await open(w, '/briefing/instructors');
  check('the instructors\' briefing in Japanese', (await w.textContent('article')).includes('インストラクター向けブリーフィング'));
  await open(w, '/injects');
  check('the inject timeline in Japanese', (await w.textContent('#main')).includes('パラオ〜グアム間ケーブルの光断'));
  await setLang(w, 'en');
  // network records keep their own columns: Zeek rows are not blank
  const columns = async (query, source, column) => {
    await open(w, `/t/nauru/hunt?q=${encodeURIComponent(query)}`);
    await w.waitForSelector('.src-group', { timeout: 20000 }).catch(() => {});
    return w.evaluate(([src, name]) => {
      const g = [...document.querySelectorAll('.src-group')].find((x) => x.querySelector('h3 code').textContent === src);
      if (!g) return null;
      const heads = [...g.querySelectorAll('thead th')].map((th) => th.textContent);
      const col = heads.indexOf(name);
      const cells = [...g.querySelectorAll('tbody tr:not(.rec-json)')].map((tr) => col >= 0 && tr.children[col] && tr.children[col].textContent.trim());
      return { heads, filled: cells.filter(Boolean).length, rows: cells.length };
    }, [source, column]);
  };
  const zeek = await columns('_exists_:conn_state', 'zeek.conn', 'id.orig_h');
  check('Zeek conn rows show their own columns, filled', zeek && zeek.heads.includes('id.resp_p') && zeek.rows > 0 && zeek.filled === zeek.rows, JSON.stringify(zeek));
  await shot(w, 'white-hunt-zeek-en');
  const suri = await columns('event_type:alert', 'suricata.alert', 'alert.signature');
  check('Suricata alert rows show their own columns, filled', suri && suri.heads.includes('dest_ip') && suri.rows > 0 && suri.filled === suri.rows, JSON.stringify(suri));

  const a = await login(b, s, 'admin', 'admin-pass-123');
  await tour(a, 'admin', [['users', '/users']]);

  const o = await login(b, s, 'fiji1');
  await tour(o, 'observer', [['scoreboard', '/scoreboard'], ['timeline', '/timeline'], ['team-overview', '/t/palau/overview'], ['team-alerts', '/t/palau/alerts']]);
  check('no script errors in any browser', [p, w, a, o].every((x) => x.errors.length === 0), [p, w, a, o].flatMap((x) => x.errors).join(' | '));
});
