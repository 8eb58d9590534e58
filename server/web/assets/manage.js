// Managing a recording (its owner and participants with the manage right): who has
// access and until when, the end date (within the purpose's cap, with a reason), ending
// the purpose now, the feedback export, and erasure requests from rights holders (R14).
import { api } from './api.js';
import { addDays, field, fill, formatDate, formatTimestamp, h, isoDay, notice } from './dom.js';
import { errorText, lang, t } from './i18n.js';
import { participantEditor, personSearch } from './participants.js';
import { relationLabel, rightsLabel } from './labels.js';

function confirmDialog(message, confirmLabel) {
  return new Promise((resolve) => {
    const yes = h('button', { type: 'button', class: 'danger' }, confirmLabel);
    const no = h('button', { type: 'button' }, t('cancel'));
    const dialog = h('dialog', { class: 'confirm', 'aria-labelledby': 'confirm-text' },
      h('p', { id: 'confirm-text' }, message), h('div', { class: 'actions' }, no, yes));
    const close = (answer) => { dialog.close(); dialog.remove(); resolve(answer); };
    yes.addEventListener('click', () => close(true));
    no.addEventListener('click', () => close(false));
    dialog.addEventListener('cancel', () => close(false));
    document.body.append(dialog);
    dialog.showModal();
    no.focus();
  });
}

async function download(path, filename) {
  const blob = await api('GET', path, undefined, { blob: true });
  const url = URL.createObjectURL(blob);
  const link = h('a', { href: url, download: filename, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

// `reload(message)` re-fetches the recording and redraws the page, showing the message.
// `limits` (/api/limits) bounds the new end date: the purpose's cap counts from creation.
export function managePanel(recording, ctx, reload, limits) {
  const base = `/api/recordings/${recording.id}`;
  const status = h('div', { class: 'form-status', 'aria-live': 'polite' });
  const act = async (work, done) => {
    fill(status);
    try {
      await work();
    } catch (error) {
      fill(status, notice('error', errorText(error)));
      return;
    }
    await reload(done);
  };

  const rows = recording.participants.map((p) => {
    const editor = participantEditor({ id: p.person_id, name: p.name }, recording.purpose, p);
    const details = h('details', {}, h('summary', {}, t('manage_change')), editor.node,
      h('button', { type: 'button', onclick: () => act(
        () => api('PUT', `${base}/participants/${p.person_id}`, editor.value()),
        t('manage_saved')) }, t('save')));
    return h('tr', {},
      h('th', { scope: 'row' }, p.name),
      h('td', {}, relationLabel(p.relation)),
      h('td', {}, rightsLabel(p.rights)),
      h('td', {}, p.until ? formatDate(p.until, lang()) : t('manage_until_end')),
      h('td', { class: 'row-actions' }, details,
        h('button', { type: 'button', class: 'link-button danger',
          'aria-label': t('participant_remove_named', { name: p.name }),
          onclick: async () => {
            if (await confirmDialog(t('manage_remove_confirm', { name: p.name }), t('participant_remove'))) {
              act(() => api('DELETE', `${base}/participants/${p.person_id}`), t('manage_removed'));
            }
          } }, t('participant_remove'))));
  });
  const table = h('div', { class: 'table-wrap' }, h('table', {},
    h('caption', {}, t('manage_who')),
    h('thead', {}, h('tr', {}, ['manage_name', 'participant_relation', 'participant_rights',
      'participant_until'].map((k) => h('th', { scope: 'col' }, t(k))), h('th', { scope: 'col' },
      h('span', { class: 'visually-hidden' }, t('manage_actions'))))),
    h('tbody', {}, rows.length ? rows : h('tr', {}, h('td', { colspan: 5 }, t('manage_nobody'))))));

  let adding = null;
  const addBox = h('div', { class: 'add-participant' });
  const search = personSearch((person) => {
    adding = participantEditor(person, recording.purpose);
    fill(addBox, h('p', {}, h('strong', {}, person.name)), adding.node,
      h('button', { type: 'button', class: 'primary', onclick: () => act(
        () => api('PUT', `${base}/participants/${person.id}`, adding.value()),
        t('manage_added', { name: person.name })) }, t('people_add')));
  }, () => [recording.owner?.id, ...recording.participants.map((p) => p.person_id)]);

  const capDays = recording.purpose === 'teacher_training'
    ? limits.purpose_caps.teacher_training_days : limits.purpose_caps.student_support_days;
  const newEnd = h('input', { type: 'date', min: isoDay(0), value: recording.purpose_end,
    max: addDays(recording.created_on, capDays) });
  const reason = h('input', { maxlength: 2000 });
  const endForm = h('form', { class: 'inline-form', novalidate: true },
    field(t('manage_new_end'), newEnd, t('manage_new_end_hint', {
      date: formatDate(addDays(recording.created_on, capDays), lang()) })),
    field(t('manage_reason'), reason, t('manage_reason_hint')),
    h('button', { type: 'submit' }, t('manage_change_end')));
  endForm.addEventListener('submit', (event) => {
    event.preventDefault();
    act(() => api('POST', `${base}/purpose-end`, { purpose_end: newEnd.value,
      reason: reason.value.trim() }), t('manage_end_changed'));
  });

  const endNow = h('button', { type: 'button', class: 'danger' }, t('manage_end_now'));
  endNow.addEventListener('click', async () => {
    if (!await confirmDialog(t('manage_end_now_confirm', { title: recording.title }),
      t('manage_end_now'))) return;
    try {
      await api('POST', `${base}/end`);
      ctx.go('#/');
    } catch (error) {
      fill(status, notice('error', errorText(error)));
    }
  });

  const exports = h('div', { class: 'actions' },
    h('button', { type: 'button', onclick: () => download(`${base}/comments/export?format=md`,
      `feedback-${recording.id}.md`).catch((e) => fill(status, notice('error', errorText(e)))) },
    t('manage_export_md')),
    h('button', { type: 'button', onclick: () => download(`${base}/comments/export?format=json`,
      `feedback-${recording.id}.json`).catch((e) => fill(status, notice('error', errorText(e)))) },
    t('manage_export_json')));

  const requests = h('div', { class: 'erasure-requests' });
  api('GET', `${base}/erasure-requests`).then((answer) => {
    if (!answer.erasure_requests.length) return;
    fill(requests, h('h3', {}, t('manage_erasure_requests')),
      h('ul', {}, answer.erasure_requests.map((r) => h('li', {},
        `${formatTimestamp(r.requested_at, lang())}: ${r.reason}`))),
      h('button', { type: 'button', class: 'danger', onclick: async () => {
        if (!await confirmDialog(t('manage_erase_confirm'), t('manage_erase'))) return;
        try {
          await api('POST', `${base}/erase`);
          ctx.go('#/');
        } catch (error) {
          fill(status, notice('error', errorText(error)));
        }
      } }, t('manage_erase')));
  }).catch(() => {});

  return h('section', { class: 'card manage', 'aria-labelledby': 'manage-h' },
    h('h2', { id: 'manage-h' }, t('manage_title')), status, table,
    h('h3', {}, t('manage_add')), search, addBox,
    h('h3', {}, t('manage_end_title')),
    h('p', {}, t('list_deleted_on', { date: formatDate(recording.deleted_on, lang()) })),
    endForm, requests,
    h('h3', {}, t('manage_export')), h('p', { class: 'hint' }, t('manage_export_hint')), exports,
    h('h3', {}, t('manage_danger')), h('p', { class: 'hint' }, t('manage_end_now_hint')), endNow);
}
