// i18n.js — every string the interface shows comes from a message
// catalogue (web/i18n/LANG.json: flat keys, "{name}" placeholders). The
// language is the user's choice, kept per account in this browser; English
// is the fallback for a key a catalogue lacks (the browser test fails the
// build if the Japanese catalogue lacks any). Times: exercise time as
// T+HH:MM, wall times in UTC and the exercise's local time, both labelled.

export const LANGS = [['en', 'English'], ['ja', '日本語']];
let lang = 'en';
let cat = {};
let fallback = {};

async function fetchCat(l) {
  const r = await fetch(`/web/i18n/${l}.json`, { credentials: 'same-origin' });
  if (!r.ok) throw new Error(`catalogue ${l}: ${r.status}`);
  return r.json();
}

export async function setLang(l) {
  if (!LANGS.some(([k]) => k === l)) l = 'en';
  const [c, f] = await Promise.all([fetchCat(l), l === 'en' ? null : (Object.keys(fallback).length ? fallback : fetchCat('en'))]);
  cat = c;
  fallback = l === 'en' ? c : f;
  lang = l;
  document.documentElement.lang = l;
}

export function getLang() { return lang; }

export function t(key, vars) {
  let s = cat[key] ?? fallback[key] ?? key;
  if (vars) s = s.replace(/\{(\w+)\}/g, (m, k) => (vars[k] !== undefined ? String(vars[k]) : m));
  return s;
}

// A preference per user name, in this browser.
export function prefKey(user, what) { return `seawall.${user || '-'}.${what}`; }

// ---- times ----------------------------------------------------------------
const pad = (n) => String(n).padStart(2, '0');

export function exTime(ms) {
  if (ms === null || ms === undefined) return '—';
  const neg = ms < 0;
  const m = Math.floor(Math.abs(ms) / 60000);
  return `T${neg ? '-' : '+'}${pad(Math.floor(m / 60))}:${pad(m % 60)}`;
}

function hhmmss(d) { return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`; }

// { utc: "21:04:05", local: "09:04:05", offset: "UTC+12:00" }
export function wallTimes(unixMs, offsetMin) {
  const d = new Date(unixMs);
  const l = new Date(unixMs + offsetMin * 60000);
  const sign = offsetMin < 0 ? '-' : '+';
  const o = Math.abs(offsetMin);
  return { utc: hhmmss(d), local: hhmmss(l), date: d.toISOString().slice(0, 10), offset: `UTC${sign}${pad(Math.floor(o / 60))}:${pad(o % 60)}` };
}

// "21:04:05 UTC · 09:04:05 local" with the words from the catalogue
export function bothTimes(unixMs, offsetMin) {
  const w = wallTimes(unixMs, offsetMin);
  return t('time.both', { utc: w.utc, local: w.local });
}
