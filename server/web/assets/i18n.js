// Dutch by default, English by a switch remembered in this browser (localStorage). Texts
// live in data modules (strings*.js, errors.js) with the same keys in both languages; a
// test (scripts/e2e/web_i18n_check.mjs) fails when a key or an API error code is missing.
import { errorMessages } from './errors.js';
import { strings } from './strings.js';
import { oversightStrings } from './strings-oversight.js';

const kStore = 'lessonvault.language';
const dictionaries = {
  nl: { ...strings.nl, ...oversightStrings.nl },
  en: { ...strings.en, ...oversightStrings.en },
};

export function lang() {
  try {
    return localStorage.getItem(kStore) === 'en' ? 'en' : 'nl';
  } catch {
    return 'nl';
  }
}

export function setLang(value) {
  try {
    localStorage.setItem(kStore, value === 'en' ? 'en' : 'nl');
  } catch {
    // Private mode without storage: the switch lasts for this page only.
  }
  document.documentElement.lang = lang();
}

// t('days_left', {n: 3}) -> "nog 3 dagen". Unknown keys show themselves, so a missing text
// is visible in a screenshot instead of silently blank.
export function t(key, params = {}) {
  const text = dictionaries[lang()][key] ?? dictionaries.nl[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => (name in params ? String(params[name]) : ''));
}

// The message for an API error (ApiError or {code}) in the user's language: what happened
// and what to do. Unknown codes fall back to a generic text plus the service's own message.
export function errorText(error) {
  const code = error?.code || 'internal_error';
  const known = errorMessages[lang()][code];
  if (known) return known;
  const generic = errorMessages[lang()].internal_error;
  return error?.message ? `${generic} (${error.message})` : generic;
}

// Media failure reasons (ingest) share the dictionary under "media_<code>".
export function failureText(failure) {
  if (!failure) return '';
  const known = errorMessages[lang()][`media_${failure.code}`];
  return known ? `${known} ${failure.message ? `(${failure.message})` : ''}`.trim()
    : failure.message;
}
