// network.mjs — the interface on a bad link. (1) The server restarts: the
// page says it is offline meanwhile, reconnects by itself, and the stream
// resumes (a broadcast sent after the restart reaches the page). (2) The
// link drops (the browser goes offline): the page says so, and what was
// sent meanwhile arrives once it is back (Last-Event-ID replay). (3) A
// satellite link (CDP Network.emulateNetworkConditions: 600 ms latency,
// 256 kbit/s each way, cache off): the first load is under 300 KB on the
// wire and completes in bounded time, and the page is usable (log in, the
// overview, a hunt). Prints the figures it measured.
import { runTest, login, open, shot, check, sleep, PW } from './lib.mjs';

await runTest({ scenario: 'tutorial', speed: 20 }, async (s, b) => {
  await s.accounts([{ user: 'trainee1', role: 'player', team: 'trainee' }, { user: 'white1', role: 'instructor' }]);
  const p = await login(b, s, 'trainee1');
  await open(p, '/t/trainee/inbox');
  await p.waitForFunction(() => document.querySelector('.conn .b-up'), null, { timeout: 10000 });
  check('the page says it is live', (await p.textContent('.conn')).includes('Live'));

  // (1) the server restarts
  await s.stop();
  const offline = await p.waitForSelector('#offline', { timeout: 15000 }).then(() => true).catch(() => false);
  check('with the server gone the page says it is offline', offline && (await p.textContent('.conn')).includes('Offline'));
  await shot(p, 'network-offline');
  const t0 = Date.now();
  await s.start();
  const back = await p.waitForFunction(() => !document.getElementById('offline') && document.querySelector('.conn .b-up'), null, { timeout: 30000 }).then(() => true).catch(() => false);
  check(`after the restart it reconnects by itself (${((Date.now() - t0) / 1000).toFixed(1)} s)`, back);
  const w = await s.session('white1', PW);
  await w.post('/broadcasts', { text: 'BROADCAST-AFTER-RESTART' });
  const got = await p.waitForFunction(() => document.body.innerText.includes('BROADCAST-AFTER-RESTART'), null, { timeout: 15000 }).then(() => true).catch(() => false);
  check('the stream resumed: a broadcast after the restart reaches the page', got);

  // (2) the link drops, then comes back
  await p.context().setOffline(true);
  const down = await p.waitForSelector('#offline', { timeout: 20000 }).then(() => true).catch(() => false);
  check('a dropped link: the page says it is offline', down);
  await w.post('/broadcasts', { text: 'BROADCAST-WHILE-AWAY' });
  await sleep(1000);
  check('... and shows nothing it could not have received', !(await p.content()).includes('BROADCAST-WHILE-AWAY'));
  await p.context().setOffline(false);
  const caught = await p.waitForFunction(() => document.body.innerText.includes('BROADCAST-WHILE-AWAY') && !document.getElementById('offline'), null, { timeout: 30000 }).then(() => true).catch(() => false);
  check('back online, what was sent meanwhile arrives (nothing lost)', caught);
  check('no script errors', p.errors.length === 0, p.errors.join(' | '));
  await p.context().close();

  // (3) a satellite link
  const ctx = await b.newContext({ viewport: { width: 1280, height: 720 }, locale: 'en-US' });
  const sp = await ctx.newPage();
  const cdp = await ctx.newCDPSession(sp);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 600, downloadThroughput: 32000, uploadThroughput: 32000 });
  let bytes = 0;
  cdp.on('Network.loadingFinished', (e) => { bytes += e.encodedDataLength; });
  const start = Date.now();
  await sp.goto(`${s.url}/`, { waitUntil: 'load', timeout: 60000 });
  await sp.waitForSelector('#login-user', { timeout: 60000 });
  const firstLoad = (Date.now() - start) / 1000;
  const firstBytes = bytes;
  console.log(`# slow link: login page in ${firstLoad.toFixed(1)} s, ${(firstBytes / 1024).toFixed(1)} KB on the wire`);
  check(`first load under 300 KB compressed (${(firstBytes / 1024).toFixed(1)} KB)`, firstBytes < 300 * 1024);
  check(`first load within 20 s at 600 ms / 256 kbit/s (${firstLoad.toFixed(1)} s)`, firstLoad < 20);
  const t1 = Date.now();
  await sp.fill('#login-user', 'trainee1');
  await sp.fill('#login-pw', PW);
  await sp.click('form.login button[type=submit]');
  await sp.waitForFunction(() => document.getElementById('main').dataset.ready === '/t/trainee/overview', null, { timeout: 60000 });
  const overview = (Date.now() - t1) / 1000;
  console.log(`# slow link: logged in to the overview in ${overview.toFixed(1)} s; ${(bytes / 1024).toFixed(1)} KB so far`);
  check(`logged in and the overview drawn within 20 s (${overview.toFixed(1)} s)`, overview < 20);
  const t2 = Date.now();
  await sp.click('#nav a:has-text("Hunt")');
  await sp.waitForSelector('#hunt-q', { timeout: 30000 });
  await sp.fill('#hunt-q', 'EventID:1');
  await sp.press('#hunt-q', 'Enter');
  await sp.waitForSelector('.src-group', { timeout: 30000 });
  const hunt = (Date.now() - t2) / 1000;
  console.log(`# slow link: to the hunt page and its first results in ${hunt.toFixed(1)} s`);
  check(`usable on the slow link: a hunt answered within 15 s (${hunt.toFixed(1)} s)`, hunt < 15);
  await shot(sp, 'network-slow-hunt');
});
