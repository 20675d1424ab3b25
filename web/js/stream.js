// stream.js — the live stream (/api/v1/stream, server-sent events) kept
// open across a flaky link: on any error the connection is closed, the
// interface says it is offline, and it reconnects by itself with a growing
// pause (1 s, 2 s, ... 15 s), sending the id of the last event it got
// (?last=), so the server replays exactly what was missed. A `reset` event
// (the server restarted, or the gap fell out of its memory) tells the
// pages to reload what they show: the journal kept everything.
const TYPES = ['clock', 'alert', 'act', 'inject', 'action', 'status', 'truth', 'score', 'reset'];
let es = null;
let lastId = '';
let wait = 1000;
let timer = null;
let stopped = true;
const listeners = new Set();
const stateListeners = new Set();
let state = 'connecting';

export function onEvent(fn) { listeners.add(fn); return () => listeners.delete(fn); }
export function onState(fn) { stateListeners.add(fn); fn(state); return () => stateListeners.delete(fn); }
export function streamState() { return state; }

function setState(s) {
  if (s === state) return;
  state = s;
  for (const fn of stateListeners) fn(s);
}

function dispatch(type, e) {
  if (e.lastEventId) lastId = e.lastEventId;
  let data = {};
  try { data = JSON.parse(e.data); } catch (err) { data = {}; }
  for (const fn of listeners) {
    try { fn(type, data); } catch (err) { console.error(err); }
  }
}

function connect() {
  timer = null;
  if (stopped) return;
  const url = `/api/v1/stream${lastId ? `?last=${encodeURIComponent(lastId)}` : ''}`;
  es = new EventSource(url, { withCredentials: true });
  es.onopen = () => { wait = 1000; setState('online'); };
  es.onerror = () => {
    if (es) es.close();
    es = null;
    setState('offline');
    if (!stopped && !timer) {
      timer = setTimeout(connect, wait);
      wait = Math.min(wait * 2, 15000);
    }
  };
  for (const type of TYPES) es.addEventListener(type, (e) => dispatch(type, e));
}

export function startStream() {
  stopped = false;
  if (!es && !timer) connect();
}

// Close the connection and forget any pending retry.
function drop(next) {
  if (es) es.close();
  es = null;
  clearTimeout(timer);
  timer = null;
  setState(next);
}

export function stopStream() {
  stopped = true;
  drop('connecting');
}

// The browser knows when its link is gone: say so at once, and reconnect
// (with ?last=) the moment it is back.
window.addEventListener('offline', () => { if (!stopped) drop('offline'); });
window.addEventListener('online', () => {
  if (!stopped && state !== 'online') { clearTimeout(timer); timer = null; wait = 1000; connect(); }
});

// A link can also die quietly (a satellite hop, a proxy): every 30 s while
// live, a small request checks the way to the server; if it fails, the
// stream is dropped and reconnected as after any error.
setInterval(async () => {
  if (stopped || state !== 'online') return;
  const ctl = new AbortController();
  const to = setTimeout(() => ctl.abort(), 20000);
  try {
    const r = await fetch('/api/v1/me', { credentials: 'same-origin', signal: ctl.signal, cache: 'no-store' });
    if (!r.ok && r.status !== 401) throw new Error(String(r.status));
  } catch (e) {
    if (es) es.onerror();
  } finally { clearTimeout(to); }
}, 30000);
