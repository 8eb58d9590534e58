// Choosing participants from the roster: search by name (GET /api/people, staff only),
// then a relation, rights and an optional "until" per person. Used when creating a
// recording and on the recording's access panel.
import { api } from './api.js';
import { field, fill, h, isoDay, uid } from './dom.js';
import { errorText, t } from './i18n.js';
import { kRelations, relationLabel } from './labels.js';

// Relations that fit a purpose (acl's relation rule): a pupil or a guardian is named only on
// a student_support recording.
const kByPurpose = {
  teacher_training: kRelations.filter((r) => r !== 'subject_pupil' && r !== 'guardian'),
  student_support: kRelations,
};

export function relationsFor(purpose) {
  return purpose ? kByPurpose[purpose] : kRelations;
}

// A search box that calls onPick({id, name, roles}) for the chosen person.
export function personSearch(onPick, excludeIds = () => []) {
  const input = h('input', { type: 'search', autocomplete: 'off', minlength: 2, maxlength: 100 });
  const results = h('ul', { class: 'search-results', 'aria-live': 'polite' });
  let timer = null;
  let generation = 0;
  const search = async () => {
    const q = input.value.trim();
    const mine = ++generation;
    if (q.length < 2) {
      fill(results);
      return;
    }
    try {
      const answer = await api('GET', `/api/people?q=${encodeURIComponent(q)}`);
      if (mine !== generation) return;
      const people = answer.people.filter((p) => !excludeIds().includes(p.id));
      fill(results, people.length === 0 ? h('li', { class: 'empty' }, t('people_none'))
        : people.map((person) => h('li', {},
          h('span', {}, person.name, ' ',
            h('span', { class: 'roles' }, person.roles.map((r) => t(`role_${r}`)).join(', '))),
          h('button', { type: 'button', 'aria-label': t('people_add_named', { name: person.name }),
            onclick: () => { onPick(person); input.value = ''; fill(results); input.focus(); },
          }, t('people_add')))));
    } catch (error) {
      fill(results, h('li', { class: 'field-error' }, errorText(error)));
    }
  };
  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(search, 250);
  });
  return h('div', { class: 'person-search' }, field(t('people_search'), input,
    t('people_search_hint')), results);
}

// The controls for one participant's relation, rights and until. Returns {node, value()}.
export function participantEditor(person, purpose, initial = {}) {
  const isStaff = person.roles?.includes('staff') ?? true;
  const relation = h('select', {},
    relationsFor(purpose).map((r) => h('option', { value: r, selected: initial.relation === r },
      relationLabel(r))));
  const rights = {};
  const rightBoxes = ['view', 'comment', 'manage'].map((right) => {
    const id = uid('right');
    const initialRights = (initial.rights || 'view').split(',');
    rights[right] = h('input', { type: 'checkbox', id, checked: initialRights.includes(right),
      disabled: right === 'manage' && !isStaff });
    return h('span', { class: 'check' }, rights[right], h('label', { for: id }, t(`right_${right}`)));
  });
  const until = h('input', { type: 'date', min: isoDay(0), value: initial.until || '' });
  const node = h('div', { class: 'participant-fields' },
    field(t('participant_relation'), relation),
    h('fieldset', { class: 'rights' }, h('legend', {}, t('participant_rights')), rightBoxes),
    field(t('participant_until'), until, t('participant_until_hint')));
  return {
    node,
    value() {
      const chosen = Object.entries(rights).filter(([, box]) => box.checked).map(([r]) => r);
      const entry = { person_id: person.id, relation: relation.value,
        rights: chosen.length ? chosen.join(',') : 'view' };
      if (until.value) entry.until = until.value;
      return entry;
    },
  };
}
