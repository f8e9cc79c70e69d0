// DOM helpers. Every string from the API reaches the page as a text node or an
// attribute value, never as HTML: the page's CSP enforces Trusted Types, so an
// innerHTML assignment would throw rather than render.

/**
 * h('button', { type: 'button', onclick }, 'Text', child) builds an element.
 * Attribute values go through setAttribute; `on*` keys add listeners; boolean
 * `true` sets an empty attribute and `false`/null/undefined leave it out.
 * Children may be nodes, strings (text nodes), arrays, or null (skipped).
 */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue;
    if (name.startsWith('on') && typeof value === 'function') element.addEventListener(name.slice(2), value);
    else if (name === 'value' || name === 'checked') element[name] = value;
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  append(element, children);
  return element;
}

function append(parent, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(parent, child);
    else parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

let nextId = 0;
/** A fresh id for label/for and aria-describedby pairs. */
export function uid(prefix) {
  nextId += 1;
  return `${prefix}-${nextId}`;
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const dateTimeSeconds = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

/** A <time> for an ISO date-time, or the fallback text when there is none. */
export function time(iso, fallback = '—', withSeconds = false) {
  if (!iso) return h('span', { class: 'muted' }, fallback);
  const format = withSeconds ? dateTimeSeconds : dateTime;
  return h('time', { datetime: iso, title: iso }, format.format(new Date(iso)));
}

/** `YYYY-MM-DDTHH:MM` in local time, what <input type="datetime-local"> takes. */
export function toLocalInput(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

const dateOnly = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });
const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
const UNITS = [
  ['year', 365 * 864e5],
  ['month', 30 * 864e5],
  ['week', 7 * 864e5],
  ['day', 864e5],
  ['hour', 36e5],
  ['minute', 6e4],
];

/** A date alone ("24 Nov 2026"), the full time in its title; for a compact list. */
export function day(iso, fallback = '—') {
  if (!iso) return h('span', { class: 'muted' }, fallback);
  return h('time', { datetime: iso, title: dateTime.format(new Date(iso)) }, dateOnly.format(new Date(iso)));
}

/** "5 minutes ago", "yesterday": how recent a use was, the full time in its title. */
export function ago(iso, fallback = 'never') {
  if (!iso) return h('span', { class: 'muted' }, fallback);
  const elapsed = Date.now() - new Date(iso).getTime();
  const [unit, size] = UNITS.find(([, ms]) => Math.abs(elapsed) >= ms) ?? [];
  const text = unit ? relative.format(-Math.round(elapsed / size), unit) : 'just now';
  return h('time', { datetime: iso, title: dateTime.format(new Date(iso)) }, text);
}

/**
 * A list of scope (or bundle, policy) names as small code chips; with `limit`,
 * the first few and "+N more" (the key's own screen lists them all).
 */
export function chips(names, { empty = 'none', kind = '', limit = Infinity } = {}) {
  if (!names || names.length === 0) return h('span', { class: 'muted' }, empty);
  const shown = names.length > limit ? names.slice(0, limit - 1) : names;
  return h(
    'ul',
    { class: 'chips' },
    shown.map((name) => h('li', { class: `chip ${kind}` }, h('code', {}, name))),
    shown.length < names.length ? h('li', { class: 'chip chip-more' }, `+${names.length - shown.length} more`) : null,
  );
}

export function statusBadge(status) {
  return h('span', { class: `badge badge-${status.toLowerCase()}` }, status.charAt(0) + status.slice(1).toLowerCase());
}

/** Lines of a textarea, trimmed, blanks dropped (IP allowlists, origins). */
export function lines(text) {
  return text
    .split(/[\n,]/)
    .map((line) => line.trim())
    .filter(Boolean);
}

/**
 * A table cell with its column name in data-label: on a phone, where each row
 * becomes a card, the stylesheet shows the label beside the content.
 */
export function cell(label, ...content) {
  return h('td', { 'data-label': label }, h('div', { class: 'cell' }, ...content));
}
