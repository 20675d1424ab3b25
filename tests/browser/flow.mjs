// flow.mjs — the tutorial played end to end in the browser, as a trainee
// and an instructor would: the player deploys a first Sigma rule, the
// instructor starts the clock, an alert fires, the player triages it, hunts,
// finds the host, isolates it (after a confirmation naming what it takes
// down), files a report with an ATT&CK technique, and the instructor's view
// changes (the host counted as isolated, the report and the isolation on the
// timeline). Each role logs in through the login page.
import { runTest, login, shot, open, check, sleep } from './lib.mjs';

const RULE = `title: Scheduled task that runs a program from the Public folder
id: 0b6c3a1e-2f4d-4c5e-9a7b-1d2e3f4a5b6c
status: experimental
description: Intruders hide their programs in C:\\Users\\Public and start them with a scheduled task.
author: Tutorial trainee
logsource:
  category: process_creation
  product: windows
detection:
  selection:
    Image|endswith: '\\schtasks.exe'
    CommandLine|contains|all:
      - '/create'
      - '\\Users\\Public\\'
  condition: selection
level: high
`;

await runTest({ scenario: 'tutorial', speed: 60, extra: ['--paused'] }, async (s, b) => {
  const white = { user: 'white1', role: 'instructor', oneTime: true };
  await s.accounts([{ user: 'trainee1', role: 'player', team: 'trainee' }, white]);
  const p = await login(b, s, 'trainee1');
  check('player lands on the team overview', await p.evaluate(() => location.pathname) === '/t/trainee/overview');
  // the instructor was given a one-time password: the first thing is to choose one
  const i = await login(b, s, 'white1', white.password, { oneTime: true });
  await i.waitForSelector('#pw-current', { timeout: 15000 });
  check('a one-time password leads to choosing one\'s own first', await i.locator('#nav:not([hidden])').count() === 0);
  await shot(i, 'flow-password');
  await i.fill('#pw-current', white.password);
  await i.fill('#pw-new', 'white-cell-pass-1');
  await i.fill('#pw-repeat', 'white-cell-pass-1');
  await i.click('form.login button[type=submit]');
  await i.waitForSelector('#top:not([hidden])', { timeout: 15000 });
  await i.waitForFunction(() => document.getElementById('main').dataset.ready, null, { timeout: 15000 });
  check('instructor lands on exercise control', await i.evaluate(() => location.pathname) === '/control');

  // a bad rule first: the error names its line
  await open(p, '/t/trainee/rules');
  await p.fill('#rule-yaml', RULE.replace('condition: selection', 'condition: selection and nothing'));
  await p.click('button:has-text("Validate")');
  const bad = await p.waitForSelector('.rule-out .n-error', { timeout: 20000 }).then((e) => e.textContent()).catch(() => '');
  check('a broken rule is refused with its line and column', /Line \d+, column \d+/.test(bad), bad);
  await p.fill('#rule-yaml', RULE);
  await p.click('button:has-text("Validate")');
  check('the rule validates', await p.waitForSelector('.rule-out .n-ok', { timeout: 20000 }).then(() => true).catch(() => false));
  await p.click('button:has-text("Test on history")');
  const tested = await p.waitForFunction(() => /would have fired/.test(document.querySelector('.rule-out').textContent), null, { timeout: 20000 })
    .then(() => p.textContent('.rule-out')).catch(() => p.textContent('.rule-out'));
  check('testing on history says how often it would have fired', /would have fired 0 time/.test(tested), tested);
  await p.click('button:has-text("Deploy")');
  await p.waitForFunction(() => document.getElementById('main').dataset.ready && document.body.innerText.includes('Scheduled task that runs a program'), null, { timeout: 20000 });
  check('the deployed rule is listed live', await p.locator('td .b-live').count() === 1);
  await shot(p, 'flow-rules');

  // the white cell starts the clock
  await open(i, '/control');
  await i.click('button:has-text("Start")');
  await i.waitForFunction(() => document.querySelector('.clock .b-running'), null, { timeout: 20000 });
  check('the instructor started the clock', true);
  // slow the clock at once (the tutorial lasts thirty minutes: at ×60 a slow
  // sanitizer build could reach the end before the alert shows)
  await i.fill('#speed', '15');
  await i.click('button:has-text("Set speed")');
  await i.waitForFunction(() => document.querySelector('.clock .speed') && document.querySelector('.clock .speed').textContent.includes('15'), null, { timeout: 20000 }).catch(() => {});
  check('the instructor set the clock\'s speed', (await i.textContent('.clock')).includes('×15'));

  // an alert fires on the player's screen
  await open(p, '/t/trainee/alerts');
  const fired = await p.waitForFunction(() => [...document.querySelectorAll('.tbl td')].some((td) => td.textContent.includes('Scheduled task that runs')), null, { timeout: 60000 }).then(() => true).catch(() => false);
  check('an alert fires and reaches the alert queue', fired);
  await p.click('tr.clickable >> nth=0');
  const detail = await p.textContent('.alert-detail');
  check('the alert shows its rule author (Detection Rule License)', detail.includes('Tutorial trainee'), detail);
  const host = (detail.match(/NSO-WS\d\d/) || [])[0];
  check('the alert names the host', !!host, detail);
  await p.click('.alert-detail button:has-text("True positive")');
  await p.waitForFunction(() => document.querySelector('.alert-detail') && [...document.querySelectorAll('tbody .badge')].some((b) => b.textContent.includes('true positive')), null, { timeout: 20000 }).catch(() => {});
  await shot(p, 'flow-alerts');

  // hunt: what else did the intruder do there?
  await open(p, `/t/trainee/hunt?q=${encodeURIComponent('CommandLine:*Public*')}`);
  await p.waitForSelector('.src-group', { timeout: 15000 });
  const hunted = await p.textContent('.hunt-results');
  check('the hunt finds the intruder\'s records on the host', hunted.includes(host), hunted.slice(0, 300));
  check('hunt results are shown in UTC and local time, labelled', await p.locator('th:has-text("UTC")').count() > 0 && await p.locator('th:has-text("Local")').count() > 0);
  await p.click(`.hunt-results button.linkish:has-text("${host}")`);
  await p.waitForFunction((h) => document.getElementById('hunt-q').value.includes(h), host, { timeout: 20000 });
  check('clicking a value adds it to the search', (await p.inputValue('#hunt-q')).includes(`Computer:${host}`) || (await p.inputValue('#hunt-q')).includes(host));
  await p.waitForSelector('.facet', { timeout: 15000 }).catch(() => {});
  check('facets and a time histogram are shown', await p.locator('.facet').count() > 0 && await p.locator('.histogram svg rect').count() > 0);
  await shot(p, 'flow-hunt');

  // isolate the host from the network map, after a confirmation
  await open(p, `/t/trainee/network/${host}`);
  await p.click('.host-detail button:has-text("Isolate")');
  const dlg = await p.waitForSelector('dialog[open]', { timeout: 20000 });
  const said = await dlg.textContent();
  check('the confirmation states the action, the host and its side effects', said.includes(host) && /Isolate/.test(said) && /cuts the host off/i.test(said), said);
  await shot(p, 'flow-confirm');
  await p.click('dialog[open] button.primary');
  const isolated = await p.waitForFunction((h) => [...document.querySelectorAll('.host.s-isolated')].some((e) => e.textContent.includes(h)), host, { timeout: 30000 }).then(() => true).catch(() => false);
  check('the host shows as isolated on the map (word and shape)', isolated);
  await shot(p, 'flow-network');

  // the report, with a technique found by name
  await open(p, '/t/trainee/incidents');
  await p.fill('#inc-title', 'Phished desk with a scheduled-task implant');
  await p.fill('#inc-tech', 'scheduled task');
  await p.click('#tech-list button:has-text("T1053.005")');
  await p.check(`.checks label:has-text("${host}") input`);
  await p.fill('#inc-narr', `A scheduled task on ${host} ran C:\\Users\\Public\\sync.exe at logon. We isolated ${host}.`);
  await p.click('button:has-text("Submit the report")');
  const filed = await p.waitForFunction(() => document.body.innerText.includes('Phished desk with a scheduled-task implant') && document.querySelector('.report'), null, { timeout: 20000 }).then(() => true).catch(() => false);
  check('the report is filed and listed', filed);
  await shot(p, 'flow-incidents');

  // the instructor's view changes
  await open(i, '/control');
  const down = await i.textContent('.tbl tbody tr td:nth-child(4)');
  check('the instructor sees the isolated host in the team\'s row', Number(down) >= 1, down);
  await open(i, '/timeline');
  const tl = await i.textContent('.timeline');
  check('the instructor\'s timeline shows the isolation and the report', tl.includes('Isolate') && tl.includes('Phished desk'), tl.slice(0, 400));
  await shot(i, 'flow-timeline');
  await open(i, '/report');
  const href = await i.getAttribute('a.btn.primary', 'href');
  const aar = await i.evaluate(async (u) => { const r = await fetch(u); return { status: r.status, type: r.headers.get('content-type'), text: await r.text() }; }, href);
  check('the instructor opens the after-action report from the interface', aar.status === 200 && /text\/html/.test(aar.type) && aar.text.includes('Trainee'), `${aar.status} ${aar.type}`);
  await open(p, '/report');
  check('a player\'s report waits for the end of the exercise', (await p.textContent('#main')).includes('once the exercise has ended'));
  check('no script errors in either browser', p.errors.length === 0 && i.errors.length === 0, [...p.errors, ...i.errors].join(' | '));
});
