// isolation.mjs — a player cannot reach another team's pages or data, in
// the interface or by editing URLs: the menu offers only the player's own
// team; every team page of another team, typed into the address bar, says
// in words that it is not the player's to see and shows none of that team's
// data; the API answers 403 to the same requests made from the page (so no
// script trick gets round it); the white cell's pages refuse a player; and
// an observer at the "teams" setting reads a team's pages but may not act.
import { runTest, login, open, shot, check, sleep } from './lib.mjs';

const TEAM_PAGES = ['overview', 'network', 'alerts', 'hunt', 'rules', 'respond', 'incidents', 'share', 'inbox'];
await runTest({ scenario: 'pacific-cable', speed: 300 }, async (s, b) => {
  await s.accounts([
    { user: 'palau1', role: 'player', team: 'palau' },
    { user: 'fsm1', role: 'player', team: 'fsm' },
    { user: 'fiji1', role: 'observer', team: 'fiji' },
  ]);
  // FSM's own data, so there is something to leak
  const fm = await s.session('fsm1', 'player-pass-123');
  await fm.post('/teams/fsm/messages', { text: 'FSM-SECRET-CHAT-1729' });
  await fm.post('/teams/fsm/reports', { title: 'FSM-SECRET-REPORT', narrative: 'x', techniques: [], hosts: [], indicators: [] });

  // a link sent to a colleague: after logging in, they land where it points
  const linkCtx = await b.newContext({ viewport: { width: 1280, height: 720 } });
  const lp = await linkCtx.newPage();
  await lp.goto(`${s.url}/t/palau/alerts`);
  await lp.fill('#login-user', 'palau1');
  await lp.fill('#login-pw', 'player-pass-123');
  await lp.click('form.login button[type=submit]');
  await lp.waitForFunction(() => document.getElementById('main').dataset.ready, null, { timeout: 15000 });
  check('a link followed before logging in is where one lands after', await lp.evaluate(() => location.pathname) === '/t/palau/alerts');
  await linkCtx.close();
  const p = await login(b, s, 'palau1');
  const navHrefs = await p.$$eval('#nav a', (as) => as.map((a) => a.getAttribute('href')));
  check('the menu offers only the player\'s own team', navHrefs.every((h) => !h.startsWith('/t/') || h.startsWith('/t/palau/')), navHrefs.join(' '));
  for (const pg of TEAM_PAGES) {
    await p.goto(`${s.url}/t/fsm/${pg}`);
    await p.waitForFunction(() => document.getElementById('main').dataset.ready, null, { timeout: 15000 });
    const text = await p.textContent('#main');
    check(`/t/fsm/${pg} typed by a Palau player: refused in words`, text.includes('not yours to see'), text.slice(0, 200));
    check(`... and none of FSM's data on it`, !/FSM-SECRET|MOF-FS01\.fm|fm-mof/i.test(await p.content()));
  }
  await shot(p, 'isolation-refused');
  const apiStatus = await p.evaluate(async () => {
    const out = {};
    for (const path of ['network', 'alerts', 'messages', 'reports', 'inbox', 'shares', 'rules', 'actions', 'fields', 'hints', 'truth', 'truth/plan', 'actions/catalogue']) {
      out[path] = (await fetch(`/api/v1/teams/fsm/${path}`)).status;
    }
    const csrf = (await (await fetch('/api/v1/me')).json()).csrf;
    const post = async (path, body) => (await fetch(`/api/v1/teams/fsm/${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf }, body: JSON.stringify(body) })).status;
    out['POST hunt'] = await post('hunt', { query: '*' });
    out['POST messages'] = await post('messages', { text: 'hi' });
    out['POST actions'] = await post('actions', { action: 'isolate', host: 'MOF-FS01' });
    return out;
  });
  check('the API refuses every FSM request made from the Palau player\'s page', Object.values(apiStatus).every((st) => st === 403), JSON.stringify(apiStatus));
  for (const pg of ['control', 'injects', 'messages', 'users', 'truth']) {
    await p.goto(`${s.url}/${pg}`);
    await p.waitForFunction(() => document.getElementById('main').dataset.ready, null, { timeout: 15000 });
    const text = await p.textContent('#main');
    check(`the white cell's /${pg} refuses a player`, /not yours to see|no such page/i.test(text), text.slice(0, 160));
  }
  // the stream: after FSM chats, nothing of it reaches Palau's page
  await open(p, '/t/palau/inbox');
  await fm.post('/teams/fsm/messages', { text: 'FSM-SECRET-CHAT-2' });
  await sleep(1500);
  check('another team\'s chat never reaches the player\'s page', !(await p.content()).includes('FSM-SECRET-CHAT-2'));

  // an observer at the "teams" setting: reads, may not act
  const o = await login(b, s, 'fiji1');
  await open(o, '/t/fsm/inbox');
  const ot = await o.textContent('#main');
  check('an observer reads a team\'s chat (observers_see: teams)', ot.includes('FSM-SECRET-CHAT-1729'));
  check('... with no box to write in', await o.locator('#chat-text').count() === 0);
  await open(o, '/t/fsm/respond');
  check('... and no action to take', (await o.textContent('#main')).includes('Read-only') && await o.locator('.respond-form').count() === 0);
  const oPost = await o.evaluate(async () => {
    const csrf = (await (await fetch('/api/v1/me')).json()).csrf;
    return (await fetch('/api/v1/teams/fsm/messages', { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf }, body: '{"text":"x"}' })).status;
  });
  check('... and the API refuses an observer\'s act', oPost === 403, oPost);
  check('no script errors', p.errors.length === 0 && o.errors.length === 0, [...p.errors, ...o.errors].join(' | '));
});
