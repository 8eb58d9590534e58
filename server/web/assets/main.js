// The app shell: who is logged in (/api/me), the header with navigation and the language
// switch, and a hash router (#/path) that shows one page at a time. Each page module
// exports show(main, ctx) and may return a cleanup function (stop timers, destroy players).
import { api, setCsrfToken, setSessionProblemHandler } from './api.js';
import { fill, h, setSchoolCalendar } from './dom.js';
import { errorText, lang, setLang, t } from './i18n.js';

const pages = {
  login: () => import('./page-login.js'),
  recordings: () => import('./page-recordings.js'),
  new: () => import('./page-new.js'),
  recording: () => import('./page-recording.js'),
  account: () => import('./page-account.js'),
  admin: () => import('./page-admin.js'),
  privacy: () => import('./page-privacy.js'),
};

// `generation` counts navigations: a page whose generation is past stops touching the DOM.
const state = { me: null, cleanup: null, generation: 0, returnTo: null };

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
    api('GET', '/api/limits', undefined, { quiet: true })
      .then((limits) => setSchoolCalendar(limits.today, limits.time_zone))
      .catch(() => {});  // outside the upload network: the browser's calendar it is
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
  document.querySelector('.skip').textContent = t('skip_to_content');
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
  const generation = ++state.generation;
  const alive = () => generation === state.generation;
  document.documentElement.lang = lang();
  if (state.cleanup) {
    try { state.cleanup(); } catch { /* a page's cleanup must not stop navigation */ }
    state.cleanup = null;
  }
  let { page, params } = parseHash();
  if (!state.me && page !== 'login') await loadMe().catch(() => null);
  if (!alive()) return;
  if (!state.me) {
    // Back to where the person was going after logging in.
    if (page !== 'login' && location.hash) state.returnTo = location.hash;
    page = 'login';
  }
  else if (state.me.must_change_password && page !== 'account') page = 'account';
  else if (page === 'login') page = 'recordings';
  renderHeader(page);
  const main = document.getElementById('main');
  fill(main, h('p', { class: 'loading' }, t('loading')));
  const module = await pages[page]();
  if (!alive()) return;
  const ctx = {
    me: state.me,
    params,
    go,
    // False once the person has gone to another page: check it after every await.
    alive,
    returnTo: () => {
      const to = state.returnTo;
      state.returnTo = null;
      return to && !to.startsWith('#/login') ? to : '#/';
    },
    // After login, logout or a password change: fetch /api/me again and re-render.
    async refreshMe(next) {
      await loadMe();
      go(next || '#/');
    },
  };
  let cleanup = null;
  try {
    cleanup = (await module.show(main, ctx)) || null;
  } catch (error) {
    if (alive()) fill(main, h('p', { class: 'notice error', role: 'alert' }, errorText(error)));
  }
  if (!alive()) {
    if (cleanup) cleanup();
    return;
  }
  state.cleanup = cleanup;
  document.title = `${main.querySelector('h1')?.textContent || ''} · LessonVault`;
  if (!main.contains(document.activeElement)) main.focus({ preventScroll: true });
}

setSessionProblemHandler((code) => {
  if (code === 'not_authenticated') {
    state.me = null;
    if (parseHash().page !== 'login') {
      state.returnTo = location.hash;
      go('#/login');
    }
  } else if (parseHash().page !== 'account') {
    go('#/account');
  }
});
// The skip link moves focus; following its #main would be a navigation in a hash router.
document.querySelector('.skip').addEventListener('click', (event) => {
  event.preventDefault();
  document.getElementById('main').focus();
});
window.addEventListener('hashchange', route);
route();
