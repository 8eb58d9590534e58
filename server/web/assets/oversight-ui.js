// Building blocks shared by the oversight pages (page-admin.js, page-privacy.js): their
// sections, the jump list above them, stacking tables, and texts with a fallback.
import { h } from './dom.js';
import { t } from './i18n.js';

// t(key), or `fallback` when there is no text for the key (a value the service added later).
export function textOr(key, fallback) {
  const text = t(key);
  return text === key ? fallback : text;
}

// The line shown while a section waits for the service.
export function loadingLine() {
  return h('p', { class: 'loading' }, t('loading'));
}

// A card with a focusable heading (`title`, already translated) with id `headingId`.
export function ovSection(headingId, title, ...children) {
  return h('section', { class: 'card ov-section', 'aria-labelledby': headingId },
    h('h2', { id: headingId, tabindex: '-1' }, title),
    ...children);
}

// Scrolls to a section made by ovSection() and puts the keyboard on its heading.
export function jumpTo(section) {
  section.scrollIntoView({ block: 'start' });
  section.querySelector('h2').focus({ preventScroll: true });
}

// The list of in-page links to `sections`, named by their headings.
export function jumpNav(label, sections) {
  return h('nav', { class: 'ov-jump', 'aria-label': label },
    h('ul', {}, sections.map((section) => h('li', {}, h('button', { type: 'button',
      class: 'link-button', onclick: () => jumpTo(section) },
    section.querySelector('h2').textContent)))));
}

// Tables with `ov-stack` show each row as a card on narrow screens (oversight.css): every cell
// gets its column's name as data-label, and explicit ARIA roles keep the table's meaning when
// CSS changes the cells' display. Safe to call again after rows were added.
export function labelCells(node, headings) {
  node.setAttribute('role', 'table');
  for (const group of node.querySelectorAll('thead, tbody')) group.setAttribute('role', 'rowgroup');
  for (const row of node.querySelectorAll('tr')) {
    row.setAttribute('role', 'row');
    [...row.children].forEach((cell, i) => {
      if (cell.tagName === 'TH') {
        cell.setAttribute('role', cell.getAttribute('scope') === 'row' ? 'rowheader' : 'columnheader');
      } else {
        cell.setAttribute('role', 'cell');
      }
      if (row.parentElement.tagName === 'TBODY' && headings[i]) cell.dataset.label = headings[i];
    });
  }
}

// A table in a horizontally scrolling wrapper; with `stack`, rows become cards on narrow
// screens (labelCells above).
export function table(caption, headings, rows, attrs = {}, stack = true) {
  const node = h('table', { class: stack ? 'ov-table ov-stack' : 'ov-table', ...attrs },
    caption ? h('caption', {}, caption) : null,
    h('thead', {}, h('tr', {}, headings.map((x) => h('th', { scope: 'col' }, x)))),
    h('tbody', {}, rows));
  if (stack) labelCells(node, headings);
  return h('div', { class: 'table-wrap' }, node);
}
