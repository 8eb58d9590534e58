// My recordings: every recording the user may see, with its status, when it is deleted,
// and (for managers) who has access. Recordings ending within 14 days stand out. While
// one is uploading or processing, the list refreshes itself.
import { api } from './api.js';
import { fill, formatDate, h, notice } from './dom.js';
import { errorText, failureText, lang, t } from './i18n.js';
import { daysLeftLabel, purposeLabel, relationLabel, statusLabel } from './labels.js';

function accessLine(recording) {
  if (!recording.participants) return null;
  const names = recording.participants.map((p) => `${p.name} (${relationLabel(p.relation)})`);
  return h('p', { class: 'access' }, h('span', { class: 'label' }, `${t('list_access')}: `),
    names.length ? names.join(', ') : t('list_access_owner_only'));
}

function item(recording) {
  const status = h('span', { class: `badge status-${recording.status}` }, statusLabel(recording));
  const deletion = h('p', { class: recording.ending_soon ? 'deletion ending-soon' : 'deletion' },
    recording.ending_soon ? h('strong', {}, `${t('list_ending_soon')} · `) : null,
    t('list_deleted_on', { date: formatDate(recording.deleted_on, lang()) }),
    ` (${daysLeftLabel(recording.days_left)})`);
  return h('li', { class: recording.ending_soon ? 'recording ending-soon' : 'recording',
    dataset: { id: recording.id } },
  h('div', { class: 'recording-head' },
    h('h2', {}, h('a', { href: `#/r/${recording.id}` }, recording.title)),
    status),
  h('p', { class: 'meta' }, purposeLabel(recording.purpose),
    recording.owner ? ` · ${t('list_owner')}: ${recording.owner.name}` : null),
  recording.status === 'failed' && recording.failure
    ? h('p', { class: 'failure' }, failureText(recording.failure)) : null,
  deletion,
  accessLine(recording));
}

export async function show(main, ctx) {
  const list = h('ul', { class: 'recordings' });
  const staff = ctx.me.roles.includes('staff');
  fill(main,
    h('div', { class: 'page-head' },
      h('h1', {}, t('list_title')),
      staff ? h('a', { class: 'button primary', href: '#/new' }, t('nav_new')) : null),
    list);
  let timer = null;
  const load = async () => {
    let answer;
    try {
      answer = await api('GET', '/api/recordings');
    } catch (error) {
      if (ctx.alive()) fill(list, h('li', {}, notice('error', errorText(error))));
      return;
    }
    if (!ctx.alive()) return;
    const recordings = answer.recordings.slice().sort((a, b) => a.days_left - b.days_left);
    if (recordings.length === 0) {
      fill(list, h('li', { class: 'empty' }, staff ? t('list_empty_staff') : t('list_empty')));
    } else {
      fill(list, recordings.map(item));
    }
    const busy = recordings.some((r) => r.status === 'processing' || r.status === 'uploading');
    if (busy) timer = setTimeout(load, 3000);
  };
  await load();
  return () => clearTimeout(timer);
}
