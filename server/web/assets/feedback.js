// Timestamped feedback beside the video: each comment at a media time; click one to seek
// there; add one at the current time, shared with everyone who may comment or personal
// (R11: only its author ever sees it).
import { api } from './api.js';
import { field, fill, formatClock, h, notice, uid } from './dom.js';
import { errorText, t } from './i18n.js';

// `canComment`: the form is shown only to someone with the comment right.
export function feedbackPanel(recording, player, canComment) {
  const base = `/api/recordings/${recording.id}/comments`;
  const list = h('ol', { class: 'comments', 'aria-live': 'polite' });
  const text = h('textarea', { rows: 3, maxlength: 4000 });
  const personal = h('input', { type: 'checkbox', id: uid('personal') });
  const at = h('span', { class: 'at', dataset: { testid: 'comment-at' } });
  const status = h('div', { class: 'form-status' });
  const submit = h('button', { type: 'submit', class: 'primary' }, t('feedback_add'));
  const updateAt = () => {
    at.textContent = t('feedback_at', { time: formatClock(player?.video.currentTime || 0) });
  };
  updateAt();
  player?.video.addEventListener('timeupdate', updateAt);
  player?.video.addEventListener('seeked', updateAt);

  const render = (comments) => {
    const sorted = comments.slice().sort((a, b) => a.position_ms - b.position_ms);
    fill(list, sorted.length === 0 ? h('li', { class: 'empty' }, t('feedback_none'))
      : sorted.map((c) => h('li', { class: c.visibility === 'personal' ? 'personal' : '' },
        h('button', { type: 'button', class: 'time',
          'aria-label': t('feedback_seek', { time: formatClock(c.position_ms / 1000) }),
          onclick: () => {
            if (!player) return;
            player.video.currentTime = c.position_ms / 1000;
            player.video.focus();
          } }, formatClock(c.position_ms / 1000)),
        h('div', { class: 'comment-body' },
          h('p', { class: 'author' }, c.author_name || '',
            c.visibility === 'personal'
              ? h('span', { class: 'badge personal' }, t('feedback_personal_badge')) : null),
          h('p', { class: 'text' }, c.text)))));
  };
  const load = async () => {
    try {
      render((await api('GET', base)).comments);
    } catch (error) {
      fill(list, h('li', {}, notice('error', errorText(error))));
    }
  };
  const form = h('form', { class: 'add-comment', novalidate: true },
    field(t('feedback_text'), text), at,
    h('span', { class: 'check' }, personal,
      h('label', { for: personal.id }, t('feedback_personal'))),
    status, h('div', { class: 'actions' }, submit));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    fill(status);
    if (!text.value.trim()) {
      fill(status, notice('error', t('feedback_empty')));
      text.focus();
      return;
    }
    submit.disabled = true;
    try {
      await api('POST', base, {
        position_ms: Math.round((player?.video.currentTime || 0) * 1000),
        text: text.value.trim(),
        visibility: personal.checked ? 'personal' : 'shared',
      });
      text.value = '';
      personal.checked = false;
      await load();
    } catch (error) {
      fill(status, notice('error', errorText(error)));
    } finally {
      submit.disabled = false;
    }
  });
  load();
  return h('section', { class: 'card feedback', 'aria-labelledby': 'feedback-h' },
    h('h2', { id: 'feedback-h' }, t('feedback_title')), list, canComment ? form : null);
}
