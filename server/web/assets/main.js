// The app shell: who is logged in (/api/me), the header with navigation and the language
// switch, and a hash router (#/path) that shows one page at a time. Each page module
// exports show(main, ctx) and may return a cleanup function (stop timers, destroy players).
import { api, setCsrfToken, setSessionProblemHandler } from './api.js';
import { fill, h } from './dom.js';
import { lang, setLang, t } from './i18n.js';

const pages = {
  login: () => import('./page-login.js'),
  recordings: () => import('./page-recordings.js'),
  new: () => import('./page-new.js'),
  recording: () => import('./page-recording.js'),
  account: () => import('./page-account.js'),
  admin: () => import('./page-admin.js'),
  privacy: () => import('./page-privacy.js'),
};

const state = { me: null, cleanup: null };

function roles() {
  return state.me?.roles || [];
}

// '#/r/abc' -> {page: 'recording', params: {id: 'abc'}}
function parseHash() {
  const parts = location.hash.replace(/^#\/?/, '').split('/').filter(Boolean);
  const [first, second] = parts;
  if (first === 'r' && second) return { page: 'recording', params: { id: second } };
  if (first && pages[first] && first !== 'recording') return { page: first, params: {} };
  return { page: 'recordings', params: {} };
}

export function go(hash) {
  if (location.hash === hash) route();
  else location.hash = hash;
}

async function loadMe() {
  try {
    state.me = await api('GET', '/api/me', undefined, { quiet: true });
    setCsrfToken(state.me.csrf_token);
  } catch (error) {
    state.me = null;
    setCsrfToken('');
    if (error.status !== 401) throw error;
  }
  return state.me;
}

function navLink(hash, label, current) {
  return h('a', { href: hash, 'aria-current': current ? 'page' : false }, label);
}

function renderHeader(page) {
  const top = document.getElementById('top');
  const switchTo = lang() === 'nl' ? 'en' : 'nl';
  const languageButton = h('button', {
    type: 'button', class: 'link-button', lang: switchTo,
    'aria-label': switchTo === 'en' ? 'Switch to English' : 'Schakel naar Nederlands',
    onclick: () => { setLang(switchTo); route(); },
  }, switchTo === 'en' ? 'English' : 'Nederlands');
  const links = [];
  if (state.me) {
    links.push(navLink('#/', t('nav_recordings'), page === 'recordings'));
    if (roles().includes('staff')) links.push(navLink('#/new', t('nav_new'), page === 'new'));
    if (roles().includes('admin')) links.push(navLink('#/admin', t('nav_admin'), page === 'admin'));
    if (roles().includes('privacy_officer')) {
      links.push(navLink('#/privacy', t('nav_privacy'), page === 'privacy'));
    }
    links.push(navLink('#/account', t('nav_account'), page === 'account'));
  }
  const logout = state.me ? h('button', {
    type: 'button', class: 'link-button', onclick: async () => {
      try { await api('POST', '/api/logout'); } catch { /* the session is gone either way */ }
      state.me = null;
      go('#/login');
    },
  }, t('logout')) : null;
  fill(top,
    h('a', { class: 'brand', href: '#/' }, h('img', { src: '/assets/icon.svg', alt: '' }),
      'LessonVault'),
    h('nav', { 'aria-label': t('nav_label') }, links),
    h('div', { class: 'who' }, state.me ? h('span', { class: 'me' }, state.me.display_name) : null,
      logout, languageButton));
}

async function route() {
  document.documentElement.lang = lang();
  if (state.cleanup) {
    try { state.cleanup(); } catch { /* a page's cleanup must not stop navigation */ }
    state.cleanup = null;
  }
  let { page, params } = parseHash();
  if (!state.me && page !== 'login') await loadMe().catch(() => null);
  if (!state.me) page = 'login';
  else if (state.me.must_change_password && page !== 'account') page = 'account';
  else if (page === 'login') page = 'recordings';
  renderHeader(page);
  const main = document.getElementById('main');
  fill(main, h('p', { class: 'loading' }, t('loading')));
  const module = await pages[page]();
  const ctx = {
    me: state.me,
    params,
    go,
    // After login, logout or a password change: fetch /api/me again and re-render.
    async refreshMe(next) {
      await loadMe();
      go(next || '#/');
    },
  };
  try {
    state.cleanup = (await module.show(main, ctx)) || null;
  } catch (error) {
    fill(main, h('p', { class: 'notice error', role: 'alert' }, String(error?.message || error)));
  }
  document.title = `${main.querySelector('h1')?.textContent || ''} · LessonVault`;
  if (!main.contains(document.activeElement)) main.focus({ preventScroll: true });
}

setSessionProblemHandler((code) => {
  if (code === 'not_authenticated') {
    state.me = null;
    if (parseHash().page !== 'login') go('#/login');
  } else if (parseHash().page !== 'account') {
    go('#/account');
  }
});
window.addEventListener('hashchange', route);
route();
