// Small DOM helpers. Text is always set as text (never parsed as HTML), so nothing a user
// typed can become markup; attributes come from our own code.

// h('button', {class: 'primary', onclick: fn}, 'Save') -> <button class="primary">Save</button>
export function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') {
      node.addEventListener(key.slice(2), value);
    } else if (key === 'dataset') {
      Object.assign(node.dataset, value);
    } else if (value === true) {
      node.setAttribute(key, '');
    } else {
      node.setAttribute(key, String(value));
    }
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
}

// Replaces the children of `node`.
export function fill(node, ...children) {
  node.replaceChildren();
  append(node, children);
  return node;
}

let idCounter = 0;
export function uid(prefix = 'f') {
  idCounter += 1;
  return `${prefix}-${idCounter}`;
}

// A labelled form field: the label is bound to the control (for screen readers and clicks),
// and an optional hint and an error line are tied to it with aria-describedby.
export function field(label, control, hint) {
  const id = control.id || uid();
  control.id = id;
  const error = h('p', { class: 'field-error', id: `${id}-error`, 'aria-live': 'polite' });
  const described = [`${id}-error`];
  let hintNode = null;
  if (hint) {
    hintNode = h('p', { class: 'hint', id: `${id}-hint` }, hint);
    described.push(`${id}-hint`);
  }
  control.setAttribute('aria-describedby', described.join(' '));
  const wrapper = h('div', { class: 'field' }, h('label', { for: id }, label), control, hintNode,
    error);
  wrapper.showError = (text) => {
    error.textContent = text || '';
    if (text) control.setAttribute('aria-invalid', 'true');
    else control.removeAttribute('aria-invalid');
  };
  return wrapper;
}

// A status line that screen readers announce.
export function notice(kind, text) {
  return h('p', { class: `notice ${kind}`, role: kind === 'error' ? 'alert' : 'status' }, text);
}

export function formatBytes(bytes, lang) {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  const digits = value < 10 && unit > 0 ? 1 : 0;
  return `${value.toLocaleString(lang, { maximumFractionDigits: digits })} ${units[unit]}`;
}

// 75.4 -> "1:15"; 3725 -> "1:02:05"
export function formatClock(seconds) {
  const total = Math.max(0, Math.floor(seconds));
  const s = String(total % 60).padStart(2, '0');
  const m = Math.floor(total / 60) % 60;
  const hours = Math.floor(total / 3600);
  return hours > 0 ? `${hours}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

// "2026-12-01" -> "1 december 2026" in the page's language (calendar dates, no time zone).
export function formatDate(iso, lang) {
  if (!iso) return '';
  const [y, mo, d] = iso.split('-').map(Number);
  return new Date(Date.UTC(y, mo - 1, d)).toLocaleDateString(lang, {
    day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC',
  });
}

// The school's calendar (from /api/limits): its date today and its time zone, so dates and
// times read the same on every device whatever its clock says.
let schoolTimeZone;
let schoolToday;
let learnedAt = 0;
export function setSchoolCalendar(today, zone) {
  schoolToday = today;
  schoolTimeZone = zone || undefined;
  learnedAt = Date.now();
}

export function formatTimestamp(unixSeconds, lang) {
  return new Date(unixSeconds * 1000).toLocaleString(lang, {
    dateStyle: 'medium', timeStyle: 'short', timeZone: schoolTimeZone,
  });
}

// "2026-11-23" + 7 -> "2026-11-30": calendar arithmetic on the school's dates (the service's
// `today`), never the browser's clock.
export function addDays(iso, days) {
  const [y, m, d] = iso.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

// The school's date today plus `days` (the browser's own date until the service has said).
export function isoDay(days = 0) {
  if (schoolToday && Date.now() - learnedAt < 3600 * 1000) return addDays(schoolToday, days);
  const now = new Date();
  const pad = (n) => String(n).padStart(2, '0');
  const local = `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
  return addDays(local, days);
}
