// The audit-log table of the privacy officer's page, used for the whole log (page-privacy.js)
// and for one recording's access history (privacy-lookups.js): columns, rows and their labels.
import { formatTimestamp, h } from './dom.js';
import { lang, t } from './i18n.js';
import { labelCells, textOr } from './oversight-ui.js';

// Audit actions whose object is a recording (or "<recording>:<person>"): their rows link to
// the recording's history.
const kRecordingActions = new Set(['upload', 'view_metadata', 'view_media', 'view_started',
  'comment', 'manage_participants', 'change_purpose_end', 'end_purpose', 'read_recording_audit',
  'read_recording_facts', 'transfer_ownership', 'erase', 'request_erasure', 'create_recording',
  'update_recording', 'upload_complete', 'upload_expired', 'reopen_upload', 'ingest_failed',
  'delete_recording']);

function outcomeLabel(outcome) {
  return textOr(`privacy_outcome_${outcome}`, outcome);
}

// The action as words, with its code (what the docs and the CLI use) underneath.
function actionCell(action) {
  const key = `privacy_action_${action}`;
  const text = t(key);
  if (text === key) return h('td', {}, h('code', { class: 'ov-mono' }, action));
  return h('td', {}, text, h('br', {}), h('code', { class: 'ov-mono ov-code-small' }, action));
}

function actorLabel(actor) {
  if (actor === 'system') return t('privacy_actor_system');
  return /^\d+$/.test(actor) ? t('privacy_actor_person', { id: actor }) : actor;
}

function auditHeadings() {
  return [t('privacy_col_seq'), t('privacy_col_at'), t('privacy_col_actor'), t('privacy_col_action'),
    t('privacy_col_object'), t('privacy_col_outcome'), t('privacy_col_reason')];
}

// The object's id; for a recording, with a link that calls onHistory(recordingId).
function objectCell(object, action, onHistory) {
  if (!object) return h('td', {}, '—');
  const id = object.split(':')[0];
  const code = h('code', { class: 'ov-mono ov-id' }, object);
  if (!kRecordingActions.has(action) || !/^[0-9a-f]{32}$/.test(id)) return h('td', {}, code);
  return h('td', {}, code, ' ', h('button', { type: 'button', class: 'link-button ov-small-link',
    'aria-label': t('privacy_object_history_for', { id }),
    onclick: () => onHistory(id) }, t('privacy_object_history')));
}

function auditRow(e, onHistory) {
  return h('tr', { class: `ov-outcome-${e.outcome}` },
    h('td', {}, String(e.seq)),
    h('td', { class: 'ov-nowrap' }, formatTimestamp(e.at, lang())),
    h('td', { class: 'ov-nowrap' }, actorLabel(e.actor)),
    actionCell(e.action),
    objectCell(e.object, e.action, onHistory),
    h('td', {}, h('span', { class: `ov-outcome ${e.outcome}` }, outcomeLabel(e.outcome))),
    h('td', {}, e.reason ? h('code', { class: 'ov-mono' }, e.reason) : ''));
}

// An audit table around `body` (a <tbody>), in its own scrolling region.
export function auditTable(body, caption, testid) {
  const node = h('table', { class: 'ov-table ov-stack ov-audit', dataset: { testid } },
    h('caption', { class: 'visually-hidden' }, caption),
    h('thead', {}, h('tr', {}, auditHeadings().map((x) => h('th', { scope: 'col' }, x)))),
    body);
  labelCells(node, auditHeadings());
  // A long log scrolls inside its own region, so the sections below stay within reach; the
  // region takes keyboard focus so it can be scrolled without a mouse.
  return h('div', { class: 'table-wrap ov-scroll', tabindex: '0', role: 'region',
    'aria-label': caption }, node);
}

// Appends a row per audit entry to `body` (in a table made by auditTable()); a recording's
// "history" link calls onHistory(recordingId).
export function appendAuditRows(body, entries, onHistory) {
  body.append(...entries.map((e) => auditRow(e, onHistory)));
  labelCells(body.closest('table'), auditHeadings());
}
