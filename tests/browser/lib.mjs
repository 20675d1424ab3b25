// lib.mjs — what seawall's browser tests share: a seawall server of their
// own (a free 127.0.0.1 port, a database in a temporary directory, stopped
// at the end), accounts made through the administrator's API, Debian's
// chromium driven by playwright-core, screenshots under build/screenshots/,
// and checks that count: each prints "ok"/"FAIL" and the script ends with
// "N passed, N failed" as tests/run.sh expects.
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, readFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = process.env.SW_BIN || path.join(ROOT, 'build/seawall');
export const SHOTS = process.env.SW_SCREENSHOTS || path.join(ROOT, 'build/screenshots');
export const ADMIN_PW = 'admin-pass-123';
export const PW = 'player-pass-123';

let passed = 0;
let failed = 0;
export function check(name, cond, detail) {
  if (cond) { passed++; console.log(`ok   ${name}`); } else { failed++; console.log(`FAIL ${name}${detail !== undefined ? `: ${detail}` : ''}`); }
  return !!cond;
}
export function summary() {
  console.log(`${passed} passed, ${failed} failed`);
  return failed === 0;
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// A seawall server on its own port and database.
export class Server {
  constructor(opts = {}) {
    this.scenario = opts.scenario || 'tutorial';
    this.speed = opts.speed || 60;
    this.extra = opts.extra || [];
    this.dir = opts.dir || mkdtempSync(path.join(os.tmpdir(), 'sw-ui-'));
    this.db = path.join(this.dir, 'x.db');
    this.port = opts.port || 0;
    this.log = '';
  }

  get url() { return `http://127.0.0.1:${this.port}`; }

  async start() {
    if (!this.port) this.port = await freePort();
    this.proc = spawn(BIN, ['serve', '--db', this.db, '--scenario', this.scenario, '--listen', `127.0.0.1:${this.port}`, '--speed', String(this.speed), ...this.extra],
      { env: { ...process.env, SEAWALL_ADMIN_PASSWORD: ADMIN_PW }, stdio: ['ignore', 'pipe', 'pipe'] });
    this.proc.stdout.on('data', (d) => { this.log += d; });
    this.proc.stderr.on('data', (d) => { this.log += d; });
    this.exited = new Promise((r) => this.proc.on('exit', r));
    for (let i = 0; i < 200; i++) {
      try { const r = await fetch(`${this.url}/api/v1/me`); if (r.status === 401 || r.ok) return this; } catch (e) { /* not yet */ }
      await sleep(100);
    }
    throw new Error(`seawall serve did not start:\n${this.log}`);
  }

  async stop() {
    if (!this.proc || this.proc.exitCode !== null) return;
    this.proc.kill('SIGTERM');
    await Promise.race([this.exited, sleep(10000)]);
    if (this.proc.exitCode === null) this.proc.kill('SIGKILL');
  }

  cleanup() { rmSync(this.dir, { recursive: true, force: true }); }

  // An API session (cookie and CSRF token) for scripted setup.
  async session(user, password) {
    const r = await fetch(`${this.url}/api/v1/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ user, password }) });
    const j = await r.json();
    if (!r.ok) throw new Error(`login ${user}: ${JSON.stringify(j)}`);
    const cookie = r.headers.get('set-cookie').split(';')[0];
    const call = async (method, p, body) => {
      const res = await fetch(`${this.url}/api/v1${p}`, { method, headers: { Cookie: cookie, 'X-CSRF-Token': j.csrf, 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
      let out = null;
      try { out = await res.json(); } catch (e) { out = null; }
      return { status: res.status, body: out };
    };
    return { call, get: (p) => call('GET', p), post: (p, b) => call('POST', p, b || {}), cookie, csrf: j.csrf };
  }

  // Accounts for the test: [{user, role, team}] with PW as their password.
  // (oneTime: no password given; the one-time one the server made is in a.password)
  async accounts(list) {
    const admin = await this.session('admin', ADMIN_PW);
    for (const a of list) {
      const r = await admin.post('/users', { user: a.user, role: a.role, team: a.team, password: a.oneTime ? undefined : PW });
      if (r.status !== 201) throw new Error(`add ${a.user}: ${JSON.stringify(r.body)}`);
      if (a.oneTime) a.password = r.body.password;
    }
    return admin;
  }
}

export async function browser() {
  return chromium.launch({
    executablePath: process.env.SW_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage', '--lang=en-US'],
  });
}

// A page logged in as user (through the login form, as a person would).
export async function login(b, server, user, password = PW, opts = {}) {
  const context = await b.newContext({ viewport: opts.viewport || { width: 1280, height: 720 }, locale: 'en-US' });
  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error' && !/Failed to load resource|EventSource|ERR_CONNECTION_REFUSED/.test(m.text())) page.errors.push(m.text()); });
  await page.goto(`${server.url}/`);
  await page.fill('#login-user', user);
  await page.fill('#login-pw', password);
  await page.click('form.login button[type=submit]');
  if (opts.oneTime) return page; // the password choice comes next
  await page.waitForSelector('#top:not([hidden])', { timeout: 15000 });
  return page;
}

export async function shot(page, name) {
  mkdirSync(SHOTS, { recursive: true });
  const file = path.join(SHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: false });
  return file;
}

// Open an app route and wait for its page to settle (no request in flight).
export async function open(page, route) {
  const pathOnly = route.split('?')[0];
  await page.evaluate((r) => { history.pushState({}, '', r); dispatchEvent(new PopStateEvent('popstate')); }, route);
  await page.waitForFunction((p) => document.getElementById('main').dataset.ready === p, pathOnly, { timeout: 20000 });
  await sleep(200);
}

export function catalogue(lang) {
  return JSON.parse(readFileSync(path.join(ROOT, 'web/i18n', `${lang}.json`), 'utf8'));
}

// Run a test's body with a server and a browser of its own; whatever
// happens, both are stopped, the server's log is shown when the body did
// not finish, and the process exits with the checks' verdict.
export async function runTest(serverOpts, body) {
  const s = await new Server(serverOpts).start();
  const b = await browser();
  let finished = false;
  try {
    await body(s, b);
    finished = true;
  } catch (e) {
    check(`the test ran to the end (${e.message.split('\n')[0]})`, false);
  } finally {
    await b.close();
    await s.stop();
    if (!finished) console.log(s.log.slice(-2000));
    s.cleanup();
  }
  process.exit(summary() ? 0 : 1);
}
