// The API client: JSON in and out, the session cookie sent by the browser, and the CSRF
// token (from /api/me) on every state-changing request. Errors become ApiError with the
// service's code, so the page can show the message for that code in the user's language.

let csrfToken = '';

export function setCsrfToken(token) {
  csrfToken = token || '';
}
export function getCsrfToken() {
  return csrfToken;
}

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message || code);
    this.status = status;
    this.code = code;
  }
}

// A handler the app installs: called with the code when a request finds no live session
// (not_authenticated) or a session that must first change its password or set up TOTP.
let onSessionProblem = () => {};
export function setSessionProblemHandler(fn) {
  onSessionProblem = fn;
}
const kSessionProblems = ['not_authenticated', 'password_change_required',
  'totp_enrollment_required'];
// For requests made outside api() (tus uploads): report a session problem the same way.
export function reportSessionProblem(code) {
  if (kSessionProblems.includes(code)) onSessionProblem(code);
}

// api('POST', '/api/recordings', {...}) -> parsed JSON (or null for 204).
// `options.raw`: send the body as is with options.contentType; `options.text`: return text.
export async function api(method, path, body, options = {}) {
  const headers = { Accept: 'application/json' };
  if (method !== 'GET' && method !== 'HEAD') headers['X-CSRF-Token'] = csrfToken;
  let payload;
  if (body !== undefined) {
    if (options.raw) {
      headers['Content-Type'] = options.contentType;
      payload = body;
    } else {
      headers['Content-Type'] = 'application/json';
      payload = JSON.stringify(body);
    }
  }
  let response;
  try {
    response = await fetch(path, {
      method, headers, body: payload, credentials: 'same-origin', cache: 'no-store',
    });
  } catch {
    throw new ApiError(0, 'network_error', 'The service could not be reached.');
  }
  if (response.ok) {
    if (response.status === 204) return null;
    if (options.text) return response.text();
    if (options.blob) return response.blob();
    return response.json();
  }
  let code = 'internal_error';
  let message = '';
  try {
    const json = await response.json();
    code = json.error?.code || code;
    message = json.error?.message || '';
  } catch {
    // Not our JSON (a proxy's page): keep the generic code.
  }
  const error = new ApiError(response.status, code, message);
  if (kSessionProblems.includes(code) && !options.quiet) onSessionProblem(code);
  throw error;
}
