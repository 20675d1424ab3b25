// dom.js — small helpers to build the interface without a framework:
// h() makes elements (text is always set as text, never parsed as HTML, so
// nothing a team or a scenario writes can inject markup), badges that carry
// a word and a shape as well as a colour, tables, dialogs and toasts.
import { t } from './i18n.js';

// h('button', {class: 'x', onclick: fn}, 'text', child, ...)
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k === 'style') el.style.cssText = v; // CSSOM: allowed by the CSP, attributes are not
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'value') el.value = v;
    else if (k === 'checked' || k === 'disabled' || k === 'selected' || k === 'hidden') el[k] = !!v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

// Data from the exercise (names, records, what people wrote): shown as is,
// marked so the language check and translators leave it alone.
export function raw(text, tag = 'span', attrs = {}) {
  return h(tag, { ...attrs, translate: 'no' }, text === undefined || text === null ? '' : String(text));
}

export function clear(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

// A state as a word and a shape (never colour alone): up ●, degraded ◐, down ✕ ...
const SHAPES = {
  up: '●', live: '●', done: '✓', ok: '✓', running: '▶', new: '◆', open: '◆',
  degraded: '◐', paused: '❚❚', pending: '…', acknowledged: '◑', assigned: '◑',
  down: '✕', failed: '✕', isolated: '▣', compromised: '⚠', escalated: '▲', true_positive: '⚠',
  false_positive: '○', withdrawn: '○', ended: '■', not_started: '○', closed: '■',
  high: '▲', critical: '▲▲', medium: '◆', low: '▽', informational: '·',
};
export function badge(state, label) {
  const s = String(state || 'unknown').toLowerCase().replace(/[- ]/g, '_');
  return h('span', { class: `badge b-${s}` }, h('span', { class: 'shape', 'aria-hidden': 'true' }, SHAPES[s] || '■'), ' ',
    label !== undefined ? label : t(`state.${s}`));
}

export function table(head, rows, opts = {}) {
  return h('table', { class: `tbl ${opts.class || ''}` },
    opts.caption ? h('caption', {}, opts.caption) : null,
    h('thead', {}, h('tr', {}, head.map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, rows.length ? rows : h('tr', {}, h('td', { colspan: head.length, class: 'empty' }, opts.empty || t('common.none')))));
}

export function field(label, control, hint) {
  const id = control.id || `f${Math.random().toString(36).slice(2, 9)}`;
  control.id = id;
  return h('div', { class: 'field' }, h('label', { for: id }, label), control, hint ? h('div', { class: 'hint' }, hint) : null);
}

export function select(options, value, attrs = {}) {
  return h('select', attrs, options.map(([v, label]) => h('option', { value: v, selected: v === value }, label)));
}

export function section(title, ...children) {
  return h('section', { class: 'card' }, h('h2', {}, title), ...children);
}

export function toast(text, kind = 'info') {
  const box = document.getElementById('toasts');
  const el = h('div', { class: `toast t-${kind}` }, text);
  box.append(el);
  setTimeout(() => el.remove(), kind === 'error' ? 9000 : 5000);
}

// A confirmation that says what will happen; resolves true or false.
export function confirmDialog(title, lines, okLabel) {
  return new Promise((resolve) => {
    const dlg = h('dialog', { class: 'dialog', 'aria-labelledby': 'dlg-title' },
      h('h2', { id: 'dlg-title' }, title),
      lines.map((l) => h('p', {}, l)),
      h('div', { class: 'actions' },
        h('button', { class: 'btn', value: 'cancel', onclick: () => dlg.close('cancel') }, t('common.cancel')),
        h('button', { class: 'btn primary', value: 'ok', onclick: () => dlg.close('ok') }, okLabel || t('common.confirm'))));
    dlg.addEventListener('close', () => { resolve(dlg.returnValue === 'ok'); dlg.remove(); });
    document.body.append(dlg);
    dlg.showModal();
    dlg.querySelector('.primary').focus();
  });
}

// A page that may not be shown, with the reason in words.
export function notice(kind, text) {
  return h('div', { class: `notice n-${kind}`, role: kind === 'error' ? 'alert' : 'status' }, text);
}

// Run an action from a button: disabled while it runs, errors shown.
export async function busy(btn, fn) {
  btn.disabled = true;
  btn.setAttribute('aria-busy', 'true');
  try { return await fn(); } finally { btn.disabled = false; btn.removeAttribute('aria-busy'); }
}

export function debounce(fn, ms) {
  let timer = null;
  return (...args) => { clearTimeout(timer); timer = setTimeout(() => fn(...args), ms); };
}
