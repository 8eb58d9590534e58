// My account: change the password (required after a reset or the first login) and set up
// two-step verification (TOTP) with recovery codes shown once.
import { api } from './api.js';
import { field, fill, h, notice } from './dom.js';
import { errorText, t } from './i18n.js';

function passwordForm(ctx) {
  const current = h('input', { type: 'password', autocomplete: 'current-password' });
  const next = h('input', { type: 'password', autocomplete: 'new-password', minlength: 12 });
  const again = h('input', { type: 'password', autocomplete: 'new-password' });
  const status = h('div', { class: 'form-status' });
  const form = h('form', { class: 'card', novalidate: true, 'aria-labelledby': 'pw-h' },
    h('h2', { id: 'pw-h' }, t('account_password')),
    ctx.me.must_change_password ? notice('info', t('account_must_change')) : null,
    field(t('account_current'), current), field(t('account_new'), next, t('account_new_hint')),
    field(t('account_again'), again), status,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' },
      t('account_change'))));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    fill(status);
    if (next.value !== again.value) {
      fill(status, notice('error', t('account_mismatch')));
      again.focus();
      return;
    }
    try {
      await api('POST', '/api/me/password', { current: current.value, new: next.value });
      fill(status, notice('ok', t('account_changed')));
      await ctx.refreshMe('#/account');
    } catch (error) {
      fill(status, notice('error', errorText(error)));
    }
  });
  return form;
}

function totpSection(ctx) {
  const box = h('section', { class: 'card', 'aria-labelledby': 'totp-h' },
    h('h2', { id: 'totp-h' }, t('account_totp')));
  if (ctx.me.totp_enrolled) {
    box.append(notice('ok', t('account_totp_on')));
    return box;
  }
  const status = h('div', { class: 'form-status' });
  const start = h('button', { type: 'button', class: 'primary' }, t('account_totp_start'));
  box.append(h('p', {}, t('account_totp_lead')), status, h('div', { class: 'actions' }, start));
  start.addEventListener('click', async () => {
    let enrolment;
    try {
      enrolment = await api('POST', '/api/me/totp');
    } catch (error) {
      fill(status, notice('error', errorText(error)));
      return;
    }
    const code = h('input', { inputmode: 'numeric', autocomplete: 'one-time-code', maxlength: 6 });
    const confirm = h('form', { novalidate: true },
      h('p', {}, t('account_totp_secret')),
      h('p', { class: 'secret', dataset: { testid: 'totp-secret' } },
        enrolment.secret.replace(/(.{4})/g, '$1 ').trim()),
      h('p', { class: 'hint' }, h('a', { href: enrolment.uri }, t('account_totp_link'))),
      field(t('account_totp_code'), code), status,
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' },
        t('account_totp_confirm'))));
    confirm.addEventListener('submit', async (event) => {
      event.preventDefault();
      try {
        const answer = await api('POST', '/api/me/totp/confirm', { code: code.value.trim() });
        fill(box, h('h2', { id: 'totp-h' }, t('account_totp')), notice('ok', t('account_totp_done')),
          h('p', {}, t('account_recovery')),
          h('ul', { class: 'recovery-codes' }, answer.recovery_codes.map((c) => h('li', {}, c))),
          h('button', { type: 'button', onclick: () => ctx.refreshMe('#/') }, t('account_recovery_saved')));
      } catch (error) {
        fill(status, notice('error', errorText(error)));
      }
    });
    fill(box, h('h2', { id: 'totp-h' }, t('account_totp')), confirm);
    code.focus();
  });
  return box;
}

export async function show(main, ctx) {
  fill(main, h('h1', {}, t('account_title')),
    h('p', { class: 'lead' }, t('account_signed_in', { name: ctx.me.display_name })),
    passwordForm(ctx), ctx.me.must_change_password ? null : totpSection(ctx));
}
