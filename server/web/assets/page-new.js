// New recording: what it is for and who is involved (R1, R2, R5, R6), then the file. The
// pupil-name check (R6) is the service's: its answer is shown on the title or description;
// a first name alone can be confirmed and sent again.
import { api } from './api.js';
import { field, fill, formatDate, h, isoDay, notice, uid } from './dom.js';
import { errorText, lang, t } from './i18n.js';
import { participantEditor, personSearch } from './participants.js';
import { purposeLabel, relationLabel } from './labels.js';
import { uploadPanel } from './upload.js';

const kNameCodes = ['denied_pupil_name', 'denied_name_needs_confirmation'];

function purposeChoice(onChange) {
  const name = uid('purpose');
  const radios = ['teacher_training', 'student_support'].map((purpose) => {
    const id = uid('p');
    const input = h('input', { type: 'radio', name, id, value: purpose, required: true,
      onchange: () => onChange(purpose) });
    return h('div', { class: 'choice' }, input,
      h('label', { for: id }, h('strong', {}, purposeLabel(purpose)),
        h('span', { class: 'hint' }, t(`purpose_${purpose}_hint`))));
  });
  return h('fieldset', { class: 'purpose' }, h('legend', {}, t('new_purpose')), radios);
}

export async function show(main, ctx) {
  const limits = await api('GET', '/api/limits');
  const title = h('input', { maxlength: 200, required: true });
  const description = h('textarea', { rows: 3, maxlength: 4000 });
  const written = h('textarea', { rows: 3, maxlength: 2000, required: true });
  const end = h('input', { type: 'date', required: true, min: isoDay(0) });
  const consultedOn = h('input', { type: 'date', value: isoDay(0), max: isoDay(0) });
  const titleField = field(t('new_title'), title, t('new_title_hint'));
  const descriptionField = field(t('new_description'), description);
  const writtenField = field(t('new_written_purpose'), written, t('new_written_purpose_hint'));
  const endHint = h('span', {});
  const endField = field(t('new_end'), end);
  endField.querySelector('.hint')?.remove();
  endField.insertBefore(h('p', { class: 'hint' }, endHint), endField.lastChild);
  const confirmBox = h('input', { type: 'checkbox', id: uid('confirm') });
  const confirmRow = h('div', { class: 'check confirm-names', hidden: true }, confirmBox,
    h('label', { for: confirmBox.id }, t('new_confirm_names')));
  let purpose = null;
  const chosen = new Map(); // person id -> {person, editor}
  const participantList = h('ul', { class: 'participants' });
  const consulted = h('fieldset', { class: 'consulted' });
  const status = h('div', { class: 'form-status' });
  const submit = h('button', { type: 'submit', class: 'primary' }, t('new_submit'));

  const renderConsulted = () => {
    const people = [{ id: ctx.me.person_id, name: `${ctx.me.display_name} (${t('new_me')})` },
      ...[...chosen.values()].map(({ person }) => person)];
    const previous = new Set([...consulted.querySelectorAll('input:checked')]
      .map((box) => Number(box.value)));
    fill(consulted, h('legend', {}, t('new_consulted')),
      h('p', { class: 'hint' }, t(purpose === 'student_support' ? 'new_consulted_hint_support'
        : 'new_consulted_hint_training')),
      people.map((person) => {
        const id = uid('c');
        return h('span', { class: 'check' }, h('input', { type: 'checkbox', id, value: person.id,
          checked: previous.has(person.id) }), h('label', { for: id }, person.name));
      }),
      field(t('new_consulted_on'), consultedOn));
  };
  const renderParticipants = () => {
    fill(participantList, [...chosen.values()].map(({ person, editor }) => h('li', {},
      h('div', { class: 'participant-head' }, h('strong', {}, person.name),
        h('button', { type: 'button', class: 'link-button',
          'aria-label': t('participant_remove_named', { name: person.name }),
          onclick: () => { chosen.delete(person.id); renderParticipants(); } },
        t('participant_remove'))),
      editor.node)));
    renderConsulted();
  };
  const setPurpose = (value) => {
    purpose = value;
    const days = value === 'teacher_training' ? limits.purpose_caps.teacher_training_days
      : limits.purpose_caps.student_support_days;
    end.max = isoDay(days);
    // No default: the recording is kept only as long as its purpose needs (R5), so the person
    // chooses; the field only refuses what the cap refuses.
    if (end.value > end.max) end.value = end.max;
    endHint.textContent = t('new_end_hint', { days, date: formatDate(end.max, lang()) });
    // Relations depend on the purpose: rebuild the editors, keeping the people.
    for (const entry of chosen.values()) {
      const old = entry.editor.value();
      entry.editor = participantEditor(entry.person, purpose, old);
    }
    renderParticipants();
  };
  const search = personSearch((person) => {
    if (person.id === ctx.me.person_id || chosen.has(person.id)) return;
    chosen.set(person.id, { person, editor: participantEditor(person, purpose) });
    renderParticipants();
  }, () => [ctx.me.person_id, ...chosen.keys()]);

  const form = h('form', { class: 'card', novalidate: true },
    h('h1', {}, t('new_title_page')),
    h('p', { class: 'lead' }, t('new_lead')),
    titleField, descriptionField,
    purposeChoice(setPurpose), writtenField, endField,
    h('section', { 'aria-labelledby': 'participants-h' },
      h('h2', { id: 'participants-h' }, t('new_participants')),
      h('p', { class: 'hint' }, t('new_participants_hint')), search, participantList),
    consulted, confirmRow, status,
    h('div', { class: 'actions' }, submit));
  renderConsulted();

  const clearErrors = () => {
    for (const f of [titleField, descriptionField, writtenField, endField]) f.showError('');
    fill(status);
  };
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors();
    const missing = [];
    if (!title.value.trim()) { titleField.showError(t('required')); missing.push(title); }
    if (!purpose) missing.push(form.querySelector('input[type=radio]'));
    if (!written.value.trim()) { writtenField.showError(t('required')); missing.push(written); }
    if (!end.value) { endField.showError(t('required')); missing.push(end); }
    if (missing.length) {
      fill(status, notice('error', purpose ? t('new_missing') : t('new_missing_purpose')));
      missing[0].focus();
      return;
    }
    const body = {
      title: title.value.trim(),
      description: description.value.trim(),
      purpose,
      written_purpose: written.value.trim(),
      purpose_end: end.value,
      participants: [...chosen.values()].map(({ editor }) => editor.value()),
      consultation: {
        consulted: [...consulted.querySelectorAll('input[type=checkbox]:checked')]
          .map((box) => Number(box.value)),
        consulted_on: consultedOn.value,
      },
    };
    if (!confirmRow.hidden && confirmBox.checked) body.names_confirmed = true;
    submit.disabled = true;
    try {
      const created = await api('POST', '/api/recordings', body);
      if (ctx.alive()) stopUpload = showUploadStep(main, ctx, created, limits);
    } catch (error) {
      let message = errorText(error);
      if (kNameCodes.includes(error.code)) {
        // The service names the words after ": " in its message; show them on the field
        // that holds them.
        const words = (error.message.split(': ')[1] || '').split(',').map((w) => w.trim())
          .filter(Boolean);
        if (words.length) message += ` ${t('new_names_found', { words: words.join(', ') })}`;
        const inText = (text) => words.some((w) => text.toLowerCase().includes(w.toLowerCase()));
        const where = inText(description.value) && !inText(title.value)
          ? descriptionField : titleField;
        where.showError(message);
        if (error.code === 'denied_name_needs_confirmation') confirmRow.hidden = false;
        (where === titleField ? title : description).focus();
      } else if (error.code?.startsWith('denied_purpose_end')) {
        endField.showError(message);
      } else if (error.code === 'denied_written_purpose_missing') {
        writtenField.showError(message);
      }
      fill(status, notice('error', message));
    } finally {
      submit.disabled = false;
    }
  });
  fill(main, form);
  title.focus();
  let stopUpload = null;
  return () => stopUpload?.();
}

// Step 2: the recording exists; now its file.
function showUploadStep(main, ctx, created, limits) {
  const panel = uploadPanel(created.id, limits, () => {
    fill(next, h('a', { class: 'button primary', href: `#/r/${created.id}` }, t('new_open')));
  });
  const next = h('div', { class: 'actions' });
  fill(main,
    h('h1', {}, created.title),
    notice('ok', t('new_created', { date: formatDate(created.deleted_on, lang()) })),
    h('p', { class: 'deletion' }, t('list_deleted_on', {
      date: formatDate(created.deleted_on, lang()) })),
    created.participants?.length ? h('p', {}, `${t('list_access')}: `,
      created.participants.map((p) => `${p.name} (${relationLabel(p.relation)})`).join(', '))
      : null,
    panel, next);
  history.replaceState(null, '', `#/r/${created.id}`);
  panel.querySelector('input[type=file]')?.focus();
  return panel.stop;
}
