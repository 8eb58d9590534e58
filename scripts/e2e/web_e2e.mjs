// The web app in a real browser (Debian's chromium, playwright-core), as the people who use
// it: each scenario of the issue, asserting what the person sees, with a screenshot of every
// page at laptop and phone size under OUT_DIR.
// Usage: node web_e2e.mjs BIN_DIR WEB_DIR FIXTURE SMALL_FIXTURE OUT_DIR
import { closeSync, openSync, readFileSync, rmSync, ftruncateSync } from 'node:fs';
import * as tus from 'tus-js-client';

import { Session } from './lib.mjs';
import {
  Installation, Shots, check, errorMessages, launchBrowser, step, text, totp,
} from './web_lib.mjs';

const [binDir, webDir, fixture, smallFixture, outDir] = process.argv.slice(2);
// The school's calendar, in the browser (newContext below) and here.
process.env.TZ = 'Europe/Amsterdam';
const nl = text.nl;
const en = text.en;
const day = (plus) => {
  const d = new Date();
  d.setDate(d.getDate() + plus);
  return d.toLocaleDateString('sv-SE');  // YYYY-MM-DD in local time
};
const yearsAgo = (years) => day(-Math.round(years * 365.25));
const kNewPasswords = {
  anna: 'blauwe fiets op de dijk', bert: 'zeven koeien in de wei', carla: 'regen boven het plein',
  pieter: 'een kop thee om vier uur', ada: 'sleutels aan de haak', priya: 'stille bibliotheek zolder',
};
const newPassword = (user) => kNewPasswords[user];

// Uploads of at most 100 MiB, so a file that is too large is cheap to make (sparse).
const lv = await Installation.create(binDir, webDir, ['server.upload_max_mib = 100']);
const tooLarge = `${lv.dir}/te-groot.mp4`;
const sparse = openSync(tooLarge, 'w');
ftruncateSync(sparse, 150 * 1024 * 1024);
closeSync(sparse);
lv.importRoster([
  'external_id,display_name,role,birth_date,guardian_of,left_on',
  'T-1,Anna Smit,staff,,,',
  'T-2,Bert Kok,staff,,,',
  'T-3,Carla Bos,staff,,,',
  `L-1,Lotte de Vries,pupil,${yearsAgo(17.5)},,`,
  'G-1,Pieter de Vries,guardian,,L-1,',
  `L-2,Sem Jansen,pupil,${yearsAgo(12.3)},,`,
  'A-1,Ada Beheer,admin,,,',
  'P-1,Priya Privacy,privacy_officer,,,',
  '',
].join('\n'));
const firstPassword = {
  anna: lv.account('T-1', 'anna'),
  bert: lv.account('T-2', 'bert'),
  carla: lv.account('T-3', 'carla'),
  pieter: lv.account('G-1', 'pieter'),
  ada: lv.account('A-1', 'ada'),
  priya: lv.account('P-1', 'priya'),
};
await lv.start();
const base = lv.base;
const browser = await launchBrowser();
const shots = new Shots(outDir);

// The API as a script would use it (for setting up what a scenario does not look at).
class Api extends Session {
  headers(extra = {}) {
    return { ...super.headers(extra), Origin: base };
  }
}

const openPages = [];
const pageErrors = [];
async function person(viewport = { width: 1280, height: 800 }) {
  const context = await browser.newContext({
    viewport, baseURL: base, locale: 'nl-NL', timezoneId: 'Europe/Amsterdam',
  });
  const page = await context.newPage();
  openPages.push(page);
  page.setDefaultTimeout(15000);
  // An error in the page fails the run at the end (throwing here would skip the clean-up).
  page.on('pageerror', (error) => pageErrors.push(`${page.url()}: ${error.message}`));
  return { context, page };
}

// Logs in through the login page; on the first login changes the one-time password on the
// account page, as the app demands; with `totpSecret`, answers the second step.
async function logIn(page, username, { first = false, totpSecret, at } = {}) {
  await page.goto('/#/login');
  await page.getByRole('heading', { name: nl.login_title }).waitFor();
  await page.getByLabel(nl.login_username).fill(username);
  await page.getByLabel(nl.login_password, { exact: true })
    .fill(first ? firstPassword[username] : newPassword(username));
  await page.getByRole('button', { name: nl.login_submit }).click();
  if (totpSecret) {
    await page.getByText(nl.login_totp_needed).waitFor();
    await page.getByLabel(nl.login_totp).fill(totp(totpSecret, at));
    await page.getByRole('button', { name: nl.login_submit }).click();
  }
  if (first) await changeFirstPassword(page, username);
}

// The account page after a first login: the one-time password becomes the person's own.
async function changeFirstPassword(page, username) {
  await page.getByText(nl.account_must_change).waitFor();
  await page.getByLabel(nl.account_current).fill(firstPassword[username]);
  await page.getByLabel(nl.account_new, { exact: true }).fill(newPassword(username));
  await page.getByLabel(nl.account_again).fill(newPassword(username));
  await page.getByRole('button', { name: nl.account_change }).click();
  await page.getByRole('heading', { name: nl.account_totp }).waitFor();
}

// From "my recordings", opens the recording called `name` and plays it (muted: no user
// gesture in a test) until the video has advanced; returns the video's locator.
async function openAndPlay(page, name) {
  await page.goto('/#/');
  await page.getByRole('link', { name }).click();
  const video = page.locator('video');
  await video.waitFor();
  await page.evaluate(async () => {
    const v = document.querySelector('video');
    v.muted = true;
    await v.play();
  });
  await page.waitForFunction(() => document.querySelector('video').currentTime > 0.3,
    null, { timeout: 20000 });
  return video;
}

async function waitForText(locator, wanted, timeout = 15000) {
  await locator.filter({ hasText: wanted }).first().waitFor({ timeout });
}

let recordingId;
let supportId;
const title = 'Rekenles groep 6, week 12';

try {
  // --- 1. The trainee: log in, create, upload with pause and resume, wait, add a supervisor.
  step('trainee: log in and create a teacher-training recording');
  const anna = await person();
  await logIn(anna.page, 'anna', { first: true });
  await shots.take(anna.page, 'account');
  await anna.page.goto('/#/');
  await anna.page.getByRole('heading', { name: nl.list_title }).waitFor();
  await anna.page.getByText(nl.list_empty_staff).waitFor();
  await shots.take(anna.page, 'recordings-empty');
  await anna.page.getByRole('link', { name: nl.nav_new }).first().click();
  await anna.page.getByRole('heading', { name: nl.new_title_page }).waitFor();
  await anna.page.getByLabel(nl.new_title, { exact: true }).fill(title);
  await anna.page.getByLabel(nl.purpose_teacher_training).check();
  await anna.page.getByLabel(nl.new_written_purpose).fill(
    'Feedback van mijn begeleider op de instructie en het klassenmanagement.');
  const end = anna.page.getByLabel(nl.new_end);
  check(await end.inputValue() === '', 'the end date is chosen, not filled in (R5)');
  check(await end.getAttribute('max') === day(180), 'the end date is not capped at 180 days');
  await end.fill(day(90));
  await anna.page.getByLabel(`Anna Smit (${nl.new_me})`).check();
  await shots.take(anna.page, 'new-recording');
  await anna.page.getByRole('button', { name: nl.new_submit }).click();
  await anna.page.getByRole('heading', { name: nl.upload_title }).waitFor();
  recordingId = anna.page.url().split('/r/')[1];
  check(/^[0-9a-f]{32}$/.test(recordingId), `no recording id in ${anna.page.url()}`);

  step('trainee: upload (throttled), pause, resume, reload and resume again');
  const cdp = await anna.context.newCDPSession(anna.page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false, latency: 5, downloadThroughput: -1, uploadThroughput: 12 * 1024 * 1024,
  });
  // A file over the limit is refused in the browser: not one byte goes out.
  const uploadRequests = [];
  anna.page.on('request', (r) => { if (r.url().includes('/files')) uploadRequests.push(r.url()); });
  await anna.page.locator('input[type=file]').setInputFiles(tooLarge);
  await anna.page.getByText(/hoogstens/).waitFor();
  check(uploadRequests.length === 0, `the too-large file was sent: ${uploadRequests}`);
  await shots.take(anna.page, 'upload-too-large');
  await anna.page.reload();
  await anna.page.getByRole('heading', { name: nl.upload_title }).waitFor();
  const percent = anna.page.getByTestId('upload-percent');
  const percentValue = async () => Number((await percent.textContent()).replace('%', ''));
  await anna.page.locator('input[type=file]').setInputFiles(fixture);
  await anna.page.waitForFunction(() => parseInt(document.querySelector(
    '[data-testid=upload-percent]')?.textContent, 10) >= 15, null, { timeout: 60000 });
  await shots.take(anna.page, 'upload-progress');
  await anna.page.getByRole('button', { name: nl.upload_pause }).click();
  await anna.page.getByText(nl.upload_paused).waitFor();
  const pausedAt = await percentValue();
  await anna.page.waitForTimeout(1500);
  check(await percentValue() === pausedAt, 'the upload went on while paused');
  await anna.page.getByRole('button', { name: nl.upload_resume }).click();
  await anna.page.waitForFunction((p) => parseInt(document.querySelector(
    '[data-testid=upload-percent]')?.textContent, 10) >= p + 15, pausedAt, { timeout: 60000 });
  // A lost page: reload, choose the same file; tus-js-client finds its upload and continues.
  await anna.page.reload();
  await anna.page.getByRole('heading', { name: nl.upload_title }).waitFor();
  await anna.page.locator('input[type=file]').setInputFiles(fixture);
  await anna.page.getByText(nl.upload_resuming).waitFor();
  await anna.page.waitForFunction(() => parseInt(document.querySelector(
    '[data-testid=upload-percent]')?.textContent, 10) > 0);
  const resumedAt = await percentValue();
  // The service keeps whole 4 MiB appends: it resumes at or after the pause, never from 0.
  check(resumedAt >= pausedAt && resumedAt > 0,
    `after the reload the upload went on from ${resumedAt}% (paused at ${pausedAt}%)`);
  step(`trainee: paused at ${pausedAt}%, resumed at ${resumedAt}% after the reload`);
  // The panel gives way to "processing" when the upload ends: note the highest percent shown.
  await anna.page.evaluate(() => {
    window.highestPercent = 0;
    new MutationObserver(() => {
      const shown = parseInt(document.querySelector('[data-testid=upload-percent]')?.textContent, 10);
      if (shown > window.highestPercent) window.highestPercent = shown;
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1,
  });
  await waitForText(anna.page.locator('.notice'), nl.upload_done, 60000);
  const highest = await anna.page.evaluate(() => window.highestPercent);
  check(highest === 100, `the progress bar stopped at ${highest}%`);
  await waitForText(anna.page.getByTestId('status'), nl.status_ready, 120000);
  await anna.page.locator('video').waitFor();
  await shots.take(anna.page, 'recording-owner');

  step('trainee: adds Bert as supervisor with comment rights');
  const manage = anna.page.locator('section.manage');
  await manage.getByLabel(nl.people_search).fill('Bert');
  await manage.getByRole('button', { name: 'Bert Kok toevoegen' }).click();
  const adding = manage.locator('.add-participant');
  await adding.getByLabel(nl.participant_relation).selectOption('supervisor');
  await adding.getByLabel(nl.right_comment).check();
  await adding.getByRole('button', { name: nl.people_add }).click();
  await anna.page.getByText('Bert Kok heeft nu toegang.').waitFor();
  const bertRow = await anna.page.locator('section.manage').getByRole('row', { name: /Bert Kok/ })
    .textContent();
  check(bertRow.includes(nl.relation_supervisor) && bertRow.includes(nl.right_comment),
    `Bert's row says: ${bertRow}`);
  await anna.page.goto('/#/');
  await waitForText(anna.page.locator('li.recording'), title);
  const listed = await anna.page.locator('li.recording').first().textContent();
  check(listed.includes('Bert Kok') && listed.includes(nl.status_ready),
    `the list shows: ${listed}`);
  await shots.take(anna.page, 'recordings');

  // --- 2. The supervisor: plays, seeks to 30 s, sees the watermark, comments.
  step('supervisor: play, seek to 30 s, watermark, comments');
  const bert = await person();
  await logIn(bert.page, 'bert', { first: true });
  const video = await openAndPlay(bert.page, title);
  const seek = await bert.page.evaluate(() => new Promise((resolve) => {
    const v = document.querySelector('video');
    const started = performance.now();
    v.addEventListener('seeked', () => resolve(performance.now() - started), { once: true });
    v.currentTime = 30;
  }));
  await bert.page.evaluate(() => document.querySelector('video').pause());
  const position = await bert.page.evaluate(() => document.querySelector('video').currentTime);
  check(Math.abs(position - 30) < 1, `after seeking to 30 s the video is at ${position}`);
  step(`supervisor: seek to 30 s took ${seek.toFixed(0)} ms; currentTime ${position.toFixed(2)}`);
  const mark = await bert.page.getByTestId('watermark').textContent();
  check(mark.includes('Bert Kok'), `the watermark says "${mark}"`);
  check(await bert.page.getByTestId('watermark').isVisible(), 'the watermark is not visible');
  const attrs = await video.evaluate((v) => ({
    pip: v.disablePictureInPicture, inline: v.hasAttribute('playsinline'),
    list: v.getAttribute('controlslist'),
  }));
  check(attrs.pip && attrs.inline && attrs.list.includes('nodownload'),
    `video attributes: ${JSON.stringify(attrs)}`);
  await bert.page.getByLabel(nl.feedback_text).fill('Mooie instructie: iedereen weet wat te doen.');
  await bert.page.getByRole('button', { name: nl.feedback_add }).click();
  const comments = bert.page.locator('ol.comments li');
  await waitForText(comments, 'Mooie instructie');
  const shared = await comments.filter({ hasText: 'Mooie instructie' }).textContent();
  check(shared.includes('0:30'), `the comment is not at 0:30: ${shared}`);
  await bert.page.getByLabel(nl.feedback_text).fill('Zelf nog eens nakijken: tempo.');
  await bert.page.getByLabel(nl.feedback_personal).check();
  await bert.page.getByRole('button', { name: nl.feedback_add }).click();
  await waitForText(comments, 'Zelf nog eens nakijken');
  await shots.take(bert.page, 'recording-supervisor');
  // Click a comment's time: the video seeks there.
  await bert.page.evaluate(() => { document.querySelector('video').currentTime = 5; });
  await comments.filter({ hasText: 'Mooie instructie' }).getByRole('button').click();
  await bert.page.waitForFunction(() => Math.abs(document.querySelector('video').currentTime - 30) < 1);

  step('trainee: sees the shared comment, not the personal one');
  await anna.page.goto(`/#/r/${recordingId}`);
  await waitForText(anna.page.locator('ol.comments li'), 'Mooie instructie');
  const annaComments = await anna.page.locator('ol.comments').textContent();
  check(!annaComments.includes('Zelf nog eens nakijken'), 'the personal comment is visible to the owner');
  const menuBlocked = await anna.page.locator('video').evaluate((v) =>
    !v.dispatchEvent(new MouseEvent('contextmenu', { bubbles: true, cancelable: true })));
  check(menuBlocked, 'the context menu is not disabled on the video');
  const exported = anna.page.waitForEvent('download');
  await anna.page.getByRole('button', { name: nl.manage_export_md }).click();
  const markdown = readFileSync(await (await exported).path(), 'utf8');
  check(markdown.includes('Mooie instructie') && !markdown.includes('Zelf nog eens'),
    `the feedback export: ${markdown.slice(0, 300)}`);

  // --- 3. A teacher who is not named.
  step('unnamed teacher: "not found" for the page and the playlist');
  const carla = await person();
  // Carla logs in with the keyboard only: the name field has focus, Tab, Enter.
  await carla.page.goto('/#/login');
  await carla.page.getByRole('heading', { name: nl.login_title }).waitFor();
  await carla.page.keyboard.type('carla');
  await carla.page.keyboard.press('Tab');
  await carla.page.keyboard.type(firstPassword.carla);
  await carla.page.keyboard.press('Enter');
  await carla.page.getByText(nl.account_must_change).waitFor();
  await carla.page.keyboard.press('Tab');
  const ring = await carla.page.evaluate(() => {
    const style = getComputedStyle(document.activeElement);
    return { width: parseFloat(style.outlineWidth), style: style.outlineStyle };
  });
  check(ring.width >= 2 && ring.style !== 'none', `no visible focus ring: ${JSON.stringify(ring)}`);
  await changeFirstPassword(carla.page, 'carla');
  await carla.page.goto(`/#/r/${recordingId}`);
  await carla.page.getByTestId('not-found').waitFor();
  await carla.page.getByRole('heading', { name: nl.recording_not_found_title }).waitFor();
  await shots.take(carla.page, 'not-found');
  const playlist = await carla.page.request.get(`/api/recordings/${recordingId}/playlist.m3u8`);
  check(playlist.status() === 404, `the playlist answered ${playlist.status()} to Carla`);
  check((await bert.page.request.get(`/api/recordings/${recordingId}/playlist.m3u8`)).status()
    === 200, 'the playlist is not served to Bert');

  // --- 4. The pupil-name check (R6), in Dutch and in English.
  step('pupil-name check in Dutch and English');
  const fillNew = async (page, t) => {
    await page.goto('/#/new');
    await page.getByRole('heading', { name: t.new_title_page }).waitFor();
    await page.getByLabel(t.new_title, { exact: true }).fill('Observatie Sem Jansen');
    await page.getByLabel(t.purpose_teacher_training).check();
    await page.getByLabel(t.new_written_purpose).fill('Begeleiding');
    await page.getByLabel(t.new_end).fill(day(30));
    await page.getByLabel(`Anna Smit (${t.new_me})`).check();
    await page.getByRole('button', { name: t.new_submit }).click();
    // Shown on the title field itself, naming the words found.
    const title = page.getByLabel(t.new_title, { exact: true });
    const error = page.locator(`#${await title.getAttribute('id')}-error`);
    await error.filter({ hasText: /\S/ }).waitFor();
    check(await title.getAttribute('aria-invalid') === 'true', 'the title is not marked invalid');
    return error.textContent();
  };
  const names = (message, language) => message.startsWith(errorMessages[language].denied_pupil_name)
    && message.includes('Sem') && message.includes('Jansen');
  const dutch = await fillNew(anna.page, nl);
  check(names(dutch, 'nl'), `Dutch: "${dutch}"`);
  await shots.take(anna.page, 'pupil-name-nl');
  await anna.page.getByRole('button', { name: 'Switch to English' }).click();
  const english = await fillNew(anna.page, en);
  check(names(english, 'en'), `English: "${english}"`);
  await shots.take(anna.page, 'pupil-name-en');
  await anna.page.reload();
  await anna.page.getByRole('heading', { name: en.new_title_page }).waitFor();
  await anna.page.getByRole('button', { name: 'Schakel naar Nederlands' }).click();
  await anna.page.getByRole('heading', { name: nl.new_title_page }).waitFor();

  // --- 4b. A recording ending within 14 days stands out; ending it now asks first.
  step('trainee: a recording ending soon stands out; "end now" with confirmation');
  const annaApi = await new Api(base, 'anna').login(newPassword('anna'));
  const soon = await annaApi.request('POST', '/api/recordings', {
    title: 'Korte oefening', purpose: 'teacher_training', written_purpose: 'Oefenen met vragen stellen.',
    purpose_end: day(9), consultation: { consulted: [], consulted_on: day(0) },
  });
  check(soon.status === 400 || soon.status === 422, 'a recording without consultation was made');
  const me = (await annaApi.request('GET', '/api/me')).json;
  const soonMade = await annaApi.request('POST', '/api/recordings', {
    title: 'Korte oefening', purpose: 'teacher_training', written_purpose: 'Oefenen met vragen stellen.',
    purpose_end: day(9), consultation: { consulted: [me.person_id], consulted_on: day(0) },
  });
  check(soonMade.status === 201, `creating the short recording: ${soonMade.text}`);
  await anna.page.goto('/#/');
  const soonItem = anna.page.locator('li.recording', { hasText: 'Korte oefening' });
  await soonItem.waitFor();
  check(await soonItem.getAttribute('class') === 'recording ending-soon', 'it does not stand out');
  check((await soonItem.textContent()).includes(nl.list_ending_soon), 'no "binnenkort verwijderd"');
  await shots.take(anna.page, 'recordings-ending-soon');
  await soonItem.getByRole('link').click();
  await anna.page.getByRole('button', { name: nl.manage_end_now }).click();
  const dialog = anna.page.getByRole('dialog');
  await dialog.waitFor();
  await shots.take(anna.page, 'end-now-confirm');
  await dialog.getByRole('button', { name: nl.manage_end_now }).click();
  await anna.page.getByRole('heading', { name: nl.list_title }).waitFor();
  await anna.page.locator('li.recording').first().waitFor();
  check(await anna.page.locator('li.recording', { hasText: 'Korte oefening' }).count() === 0,
    'the ended recording is still listed');

  // --- 5. A guardian of a 17-year-old: refused without the pupil's consent, plays with it.
  step('guardian: a student-support recording about a 17-year-old');
  const people = async (q) => (await annaApi.request('GET', `/api/people?q=${q}`)).json.people;
  const [lotte] = await people('Lotte');
  const [pieterPerson] = await people('Pieter');
  const created = await annaApi.request('POST', '/api/recordings', {
    title: 'Begeleidingsgesprek oefenen', purpose: 'student_support',
    written_purpose: 'Zien waar de leerling vastloopt bij het plannen.', purpose_end: day(60),
    participants: [
      { person_id: lotte.id, relation: 'subject_pupil', rights: 'view' },
      { person_id: pieterPerson.id, relation: 'guardian', rights: 'view' },
    ],
    consultation: { consulted: [lotte.id], consulted_on: day(0) },
  });
  check(created.status === 201, `creating the support recording: ${created.status} ${created.text}`);
  supportId = created.json.id;
  const bytes = readFileSync(smallFixture);
  await new Promise((resolve, reject) => new tus.Upload(bytes, {
    endpoint: `${base}/files`, uploadSize: bytes.length, headers: annaApi.headers(),
    metadata: { recording_id: supportId, filename: 'gesprek.mp4', filetype: 'video/mp4' },
    onSuccess: resolve, onError: reject,
  }).start());
  let supportStatus = '';
  for (let i = 0; i < 120 && supportStatus !== 'ready'; i++) {
    const got = await annaApi.request('GET', `/api/recordings/${supportId}`);
    supportStatus = got.json.status;
    check(supportStatus !== 'failed', `ingest failed: ${got.text}`);
    if (supportStatus !== 'ready') await new Promise((r) => setTimeout(r, 500));
  }
  check(supportStatus === 'ready', `the support recording is ${supportStatus}, not ready`);
  const pieter = await person({ width: 390, height: 844 });
  await logIn(pieter.page, 'pieter', { first: true });
  await pieter.page.goto('/#/');
  await pieter.page.getByText(nl.list_empty).waitFor();
  await pieter.page.goto(`/#/r/${supportId}`);
  await pieter.page.getByTestId('not-found').waitFor();
  step('guardian: refused without consent; the admin records the pupil\'s consent');

  // --- 6. The admin: first login with TOTP set-up, roster import with a bad line, consent.
  const ada = await person();
  await logIn(ada.page, 'ada', { first: true });
  await ada.page.getByRole('button', { name: nl.account_totp_start }).click();
  const secret = (await ada.page.getByTestId('totp-secret').textContent()).replace(/\s/g, '');
  await shots.take(ada.page, 'totp-setup');
  await ada.page.getByLabel(nl.account_totp_code).fill(totp(secret));
  await ada.page.getByRole('button', { name: nl.account_totp_confirm }).click();
  await ada.page.getByText(nl.account_recovery).waitFor();
  check(await ada.page.locator('.recovery-codes li').count() >= 5, 'no recovery codes shown');
  await ada.page.getByRole('button', { name: nl.account_recovery_saved }).click();
  await ada.page.getByRole('button', { name: nl.logout }).click();
  await ada.page.getByRole('heading', { name: nl.login_title }).waitFor();
  // The enrolment used this 30-second step's code, which cannot be used twice; the service
  // accepts one step of clock drift, so the next step's code logs in now.
  await logIn(ada.page, 'ada', { totpSecret: secret, at: Date.now() + 30000 });
  await ada.page.getByRole('link', { name: nl.nav_admin }).click();
  await adminScenario(ada.page);

  step('guardian: with the consent recorded, the recording plays');
  await openAndPlay(pieter.page, 'Begeleidingsgesprek oefenen');
  await pieter.page.evaluate(() => document.querySelector('video').pause());
  await shots.take(pieter.page, 'recording-guardian');
  step('guardian: asks for erasure; the owner sees the request');
  await pieter.page.getByLabel(nl.erasure_reason).fill('Mijn dochter wil dit liever niet bewaard zien.');
  await pieter.page.getByRole('button', { name: nl.erasure_submit }).click();
  await pieter.page.getByText(nl.erasure_sent).waitFor();
  await anna.page.goto(`/#/r/${supportId}`);
  await anna.page.getByRole('heading', { name: nl.manage_erasure_requests }).waitFor();
  check((await anna.page.locator('.erasure-requests').textContent()).includes('liever niet'),
    'the owner does not see the request\'s reason');

  // --- 7. The privacy officer's pages (screenshots; their checks live in privacyScenario).
  const priya = await person();
  await logIn(priya.page, 'priya', { first: true });
  await priya.page.getByRole('button', { name: nl.account_totp_start }).click();
  const privacySecret = (await priya.page.getByTestId('totp-secret').textContent())
    .replace(/\s/g, '');
  await priya.page.getByLabel(nl.account_totp_code).fill(totp(privacySecret));
  await priya.page.getByRole('button', { name: nl.account_totp_confirm }).click();
  await priya.page.getByRole('button', { name: nl.account_recovery_saved }).click();
  await priya.page.getByRole('link', { name: nl.nav_privacy }).click();
  await privacyScenario(priya.page, recordingId);

  // --- 8. After the sweep past the end date: gone from every list, and the page says so.
  step('sweep --now past the end date');
  await lv.stop();
  const sweep = lv.admin('sweep', '--now', `${day(181)}T03:00`);
  check(/deleted 2 recordings/.test(sweep), `the sweep said: ${sweep}`);
  await lv.start();
  for (const [who, name] of [[anna, 'trainee'], [bert, 'supervisor']]) {
    await who.page.goto('/#/');
    await who.page.getByRole('heading', { name: nl.list_title }).waitFor();
    await who.page.locator('ul.recordings li').first().waitFor();
    const list = await who.page.locator('ul.recordings').textContent();
    check(!list.includes(title), `the ${name}'s list still shows the recording`);
    await who.page.goto(`/#/r/${recordingId}`);
    await who.page.getByTestId('not-found').waitFor();
  }
  await shots.take(anna.page, 'after-sweep');
  step('privacy officer: the deletion receipts name the swept recording');
  await priya.page.reload();  // the page is already #/privacy: load it again
  await priya.page.getByRole('heading', { name: nl.privacy_title, level: 1 }).waitFor();
  const receipts = priya.page.getByTestId('deletion-receipts');
  await receipts.waitFor({ state: 'attached' });
  check((await receipts.textContent()).includes(recordingId), 'no receipt for the recording');
  await anna.page.goto('/#/login');
  await anna.page.getByRole('button', { name: nl.logout }).click();
  await anna.page.getByRole('heading', { name: nl.login_title }).waitFor();
  await shots.take(anna.page, 'login');
  check(pageErrors.length === 0, `errors in the pages:\n  ${pageErrors.join('\n  ')}`);
  step(`done; screenshots of ${shots.taken.length} pages in ${outDir}`);
} catch (error) {
  console.error(`FAIL: ${error.message}`);
  for (const [i, page] of openPages.entries()) {
    await page.screenshot({ path: `${outDir}/failure-${i}.png`, fullPage: true }).catch(() => {});
  }
  console.error(lv.output?.().split('\n').slice(-30).join('\n'));
  process.exitCode = 1;
} finally {
  await browser.close();
  await lv.stop();
  lv.remove();
}

// The admin page: a roster with a bad line is refused with that line shown; the pupil's
// consent to her guardian's access is recorded (that it took effect, the guardian's
// playback afterwards shows).
async function adminScenario(page) {
  step('admin: roster import with a bad line');
  await page.getByRole('heading', { name: nl.admin_title, level: 1 }).waitFor();
  await page.getByRole('cell', { name: 'Lotte de Vries' }).first().waitFor();
  await shots.take(page, 'admin');
  await page.getByLabel(nl.admin_roster_paste).fill([
    'external_id,display_name,role,birth_date,guardian_of,left_on',
    'T-4,Dirk Mol,staff,,,',
    'L-3,Fenna Bakker,pupil,2031-13-40,,',
    '',
  ].join('\n'));
  await page.getByRole('button', { name: nl.admin_roster_submit, exact: true }).click();
  const problems = page.getByTestId('roster-problems');
  await problems.waitFor();
  const rows = problems.locator('tbody tr');
  check(await rows.count() === 1, `${await rows.count()} problems reported, expected 1`);
  const cells = await rows.first().locator('td').allTextContents();
  check(cells[0].trim() === '3' && cells[1].includes('birth_date'),
    `the bad line is not reported as line 3, birth_date: ${cells.join(' | ')}`);
  await page.getByText(nl.admin_roster_failed_one).waitFor();
  await problems.scrollIntoViewIfNeeded();
  await shots.take(page, 'admin-roster-problem');

  step('admin: consent of the pupil for her guardian\'s access');
  await page.getByLabel(nl.admin_consent_pupil).selectOption({ label: 'Lotte de Vries (L-1)' });
  await page.getByLabel(nl.admin_consent_category)
    .selectOption('guardian_access_recordings');
  await page.getByLabel(nl.admin_consent_form_date).fill(day(0));
  await page.getByLabel(nl.admin_consent_given, { exact: true }).check();
  await page.getByRole('button', { name: nl.admin_consent_submit }).click();
  await page.getByText(nl.admin_consent_saved.replace('{category}',
    nl.admin_consent_cat_guardian_access_recordings)).waitFor();
  await shots.take(page, 'admin-consent');
}

// The privacy officer: the audit chain verified, a recording's access history (the
// supervisor's viewing is in it), the register, a person's export.
async function privacyScenario(page, id) {
  step('privacy officer: chain status, access history, register');
  await page.getByRole('heading', { name: nl.privacy_title, level: 1 }).waitFor();
  await waitForText(page.getByTestId('chain-status'), nl.privacy_chain_intact);
  await shots.take(page, 'privacy');
  await page.getByLabel(nl.privacy_history_id).fill(id);
  await page.getByRole('button', { name: nl.privacy_history_submit }).click();
  const history = page.getByTestId('recording-history');
  await history.locator('tbody tr').first().waitFor();
  const entries = await history.locator('tbody tr').count();
  check(entries >= 3, `the access history has ${entries} entries`);
  const actions = (await history.locator('tbody').textContent());
  check(actions.includes(nl.privacy_action_view_started),
    'the supervisor\'s viewing is not in the recording\'s access history');
  await shots.take(page, 'privacy-history');
  step('privacy officer: a person\'s export as a JSON download');
  await page.getByLabel(nl.privacy_export_id).fill('T-2');
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: nl.privacy_export_submit, exact: true }).click();
  const saved = await (await download).path();
  const exported = JSON.parse(readFileSync(saved, 'utf8'));
  check(JSON.stringify(exported).includes('Bert Kok'), 'the export is not Bert\'s');
}
