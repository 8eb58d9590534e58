// Log in: username and password, then the six-digit code when the account has TOTP.
import { api, ApiError } from './api.js';
import { field, fill, h, notice } from './dom.js';
import { errorText, t } from './i18n.js';

export async function show(main, ctx) {
  const username = h('input', { name: 'username', autocomplete: 'username', required: true,
    autocapitalize: 'none', spellcheck: 'false' });
  const password = h('input', { name: 'password', type: 'password', required: true,
    autocomplete: 'current-password' });
  const totp = h('input', { name: 'totp', inputmode: 'numeric', autocomplete: 'one-time-code',
    pattern: '[0-9A-Za-z-]*', maxlength: 20 });
  const totpField = field(t('login_totp'), totp, t('login_totp_hint'));
  totpField.hidden = true;
  const status = h('div', { class: 'form-status' });
  const submit = h('button', { type: 'submit', class: 'primary' }, t('login_submit'));
  const form = h('form', { class: 'card narrow', novalidate: true },
    h('h1', {}, t('login_title')),
    h('p', { class: 'lead' }, t('login_lead')),
    field(t('login_username'), username),
    field(t('login_password'), password),
    totpField,
    status,
    h('div', { class: 'actions' }, submit));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    fill(status);
    if (!username.value || !password.value) {
      fill(status, notice('error', t('login_missing')));
      return;
    }
    submit.disabled = true;
    try {
      const body = { username: username.value.trim(), password: password.value };
      if (!totpField.hidden && totp.value) body.totp = totp.value.trim();
      await api('POST', '/api/login', body, { quiet: true });
      await ctx.refreshMe(ctx.returnTo());
    } catch (error) {
      if (error instanceof ApiError && error.code === 'totp_required' && totpField.hidden) {
        totpField.hidden = false;
        fill(status, notice('info', t('login_totp_needed')));
        totp.focus();
      } else {
        fill(status, notice('error', errorText(error)));
        (totpField.hidden ? password : totp).select();
      }
    } finally {
      submit.disabled = false;
    }
  });
  fill(main, form);
  username.focus();
}
