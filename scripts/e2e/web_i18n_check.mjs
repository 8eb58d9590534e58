// The web app's texts: both languages have the same keys; every error code the API can
// return (openapi.json's ErrorCode) and every media failure reason has a message in both;
// every t('key') the pages use exists. Usage: node web_i18n_check.mjs REPO_DIR
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const repo = resolve(process.argv[2]);
const assets = join(repo, 'server/web/assets');
const { strings } = await import(pathToFileURL(join(assets, 'strings.js')).href);
const { oversightStrings } = await import(pathToFileURL(join(assets, 'strings-oversight.js')).href);
const { errorMessages } = await import(pathToFileURL(join(assets, 'errors.js')).href);

const problems = [];
const sameKeys = (name, dict) => {
  for (const [a, b] of [['nl', 'en'], ['en', 'nl']]) {
    for (const key of Object.keys(dict[a])) {
      if (!(key in dict[b])) problems.push(`${name}: "${key}" has no ${b} text`);
      else if (!String(dict[a][key]).trim()) problems.push(`${name}: "${key}" is empty in ${a}`);
    }
  }
};
sameKeys('strings.js', strings);
sameKeys('strings-oversight.js', oversightStrings);
sameKeys('errors.js', errorMessages);

const openapi = JSON.parse(readFileSync(join(repo, 'server/openapi.json'), 'utf8'));
const codes = openapi.components.schemas.ErrorCode.enum;
if (codes.length < 50) problems.push(`only ${codes.length} error codes found in openapi.json`);
const mediaCodes = [...new Set([...readFileSync(join(repo, 'media/error.cpp'), 'utf8')
  .matchAll(/return "([a-z_]+)";/g)].map((m) => `media_${m[1]}`))];
if (mediaCodes.length < 10) problems.push(`only ${mediaCodes.length} media codes found`);
for (const code of [...codes, ...mediaCodes, 'network_error']) {
  for (const language of ['nl', 'en']) {
    if (!errorMessages[language][code]) problems.push(`error "${code}" has no ${language} message`);
  }
}

const ui = { ...strings.nl, ...oversightStrings.nl };
const enums = (name) => openapi.components.schemas[name];
const dynamic = [
  ...['teacher_training', 'student_support'].flatMap((p) => [`purpose_${p}`, `purpose_${p}_hint`]),
  ...enums('Participant').properties.relation.enum.map((r) => `relation_${r}`),
  ...['view', 'comment', 'manage'].map((r) => `right_${r}`),
  ...['admin', 'privacy_officer', 'staff', 'guardian', 'pupil'].map((r) => `role_${r}`),
  ...enums('Recording').properties.status.enum.map((s) => `status_${s}`),
];
for (const key of dynamic) if (!(key in ui)) problems.push(`no text for "${key}"`);
let used = 0;
for (const file of readdirSync(assets).filter((f) => f.endsWith('.js'))) {
  const source = readFileSync(join(assets, file), 'utf8');
  for (const [, key] of source.matchAll(/\bt\('([a-z0-9_]+)'/g)) {
    used += 1;
    if (!(key in ui)) problems.push(`${file}: t('${key}') has no text`);
  }
}
if (used < 100) problems.push(`only ${used} uses of t() found: the scan is broken`);

if (problems.length) {
  console.error(problems.join('\n'));
  console.error(`${problems.length} problems`);
  process.exit(1);
}
console.log(`texts complete: ${Object.keys(ui).length} UI texts, ${codes.length} API error codes, ` +
  `${mediaCodes.length} media reasons, ${used} uses of t(), in Dutch and English`);
