// For the browser tests: the real lessonvault process with a throwaway installation, Debian's
// chromium driven by playwright-core (never a downloaded browser), TOTP codes, screenshots at
// laptop and phone size, and the web app's own texts so a check reads what a person sees.
import { spawn, spawnSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { chromium } from 'playwright-core';

import { errorMessages } from '../../server/web/assets/errors.js';
import { strings } from '../../server/web/assets/strings.js';
import { oversightStrings } from '../../server/web/assets/strings-oversight.js';

export const text = {
  nl: { ...strings.nl, ...oversightStrings.nl },
  en: { ...strings.en, ...oversightStrings.en },
};
export { errorMessages };

export function fail(message) {
  throw new Error(message);
}
export function check(condition, message) {
  if (!condition) fail(message);
}
export function step(message) {
  console.log(`[${new Date().toISOString().slice(11, 19)}] ${message}`);
}

async function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

// A throwaway installation: config, key, database, roster and accounts, and the server.
export class Installation {
  // `extra`: more config lines.
  static async create(binDir, webDir, extra = []) {
    const self = new Installation();
    self.binDir = binDir;
    self.dir = mkdtempSync(join(tmpdir(), 'lv-web-'));
    self.port = await freePort();
    self.base = `http://127.0.0.1:${self.port}`;
    self.config = join(self.dir, 'lv.properties');
    writeFileSync(self.config, [
      `server.port = ${self.port}`,
      `server.public_origin = ${self.base}`,
      `server.web_root = ${webDir}`,
      `storage.data_dir = ${self.dir}/var/data`,
      `storage.database = ${self.dir}/var/lv.db`,
      `storage.keys_dir = ${self.dir}/var/keys`,
      'auth.scrypt_log_n = 14',
      ...extra,
      '',
    ].join('\n'));
    self.admin('init');
    return self;
  }

  admin(...args) {
    const run = spawnSync(join(this.binDir, 'lessonvault-admin'), ['--config', this.config, ...args],
      { encoding: 'utf8' });
    check(run.status === 0, `lessonvault-admin ${args.join(' ')}: ${run.stdout}${run.stderr}`);
    return run.stdout;
  }

  importRoster(csv) {
    const file = join(this.dir, 'roster.csv');
    writeFileSync(file, csv);
    this.admin('import-roster', file);
  }

  // Creates an account and returns its one-time password.
  account(externalId, username) {
    const out = this.admin('create-account', externalId, username);
    const match = out.match(/one-time password for \S+: (\S+)/);
    check(match, `no one-time password in: ${out}`);
    return match[1];
  }

  async start() {
    this.log = join(this.dir, 'server.log');
    this.server = spawn(join(this.binDir, 'lessonvault'), ['--config', this.config],
      { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const collect = (chunk) => { output += chunk; };
    this.server.stdout.on('data', collect);
    this.server.stderr.on('data', collect);
    this.output = () => output;
    for (let i = 0; i < 100 && !output.includes('listening on'); i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    check(output.includes('listening on'), `the server did not start:\n${output}`);
  }

  async stop() {
    if (!this.server) return;
    const exited = new Promise((resolve) => this.server.on('exit', resolve));
    this.server.kill('SIGTERM');
    await exited;
    this.server = null;
  }

  remove() {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

// RFC 6238 with SHA-1, 30 s steps, 6 digits: what an authenticator app shows.
export function totp(base32Secret, at = Date.now()) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of base32Secret.replace(/[\s=]/g, '').toUpperCase()) {
    bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  }
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 1000 / 30)));
  const mac = createHmac('sha1', key).update(counter).digest();
  const offset = mac[mac.length - 1] & 0xf;
  const code = (mac.readUInt32BE(offset) & 0x7fffffff) % 1000000;
  return String(code).padStart(6, '0');
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run',
      '--autoplay-policy=no-user-gesture-required'],
  });
}

// What a screen reader user or a low-vision user would trip over on the page as shown:
// a form control or button without an accessible name, or text whose contrast with the
// background behind it is below WCAG AA (4.5:1; 3:1 for large text). Text over the video
// (the watermark) is left out: its background is the picture.
export async function a11yProblems(page) {
  return page.evaluate(() => {
    const problems = [];
    const visible = (el) => el.getClientRects().length > 0 &&
      getComputedStyle(el).visibility !== 'hidden';
    const nameOf = (el) => {
      if (el.getAttribute('aria-label')) return el.getAttribute('aria-label');
      const by = el.getAttribute('aria-labelledby');
      if (by) return by.split(' ').map((id) => document.getElementById(id)?.textContent).join(' ');
      if (el.labels?.length) return [...el.labels].map((l) => l.textContent).join(' ');
      if (el.tagName === 'BUTTON' || el.tagName === 'A') return el.textContent;
      return '';
    };
    for (const el of document.querySelectorAll('input, select, textarea, button, a[href]')) {
      if (el.type === 'hidden' || el.closest('[hidden]')) continue;
      if (el.classList.contains('visually-hidden') && el.type === 'file') {
        if (!el.labels?.length) problems.push('a file input without a label');
        continue;
      }
      if (!visible(el)) continue;
      if (!nameOf(el).trim()) problems.push(`<${el.tagName.toLowerCase()}> without a name: ${el.outerHTML.slice(0, 80)}`);
    }
    const rgb = (text) => (text.match(/[\d.]+/g) || []).map(Number);
    const luminance = ([r, g, b]) => {
      const c = [r, g, b].map((v) => {
        const x = v / 255;
        return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
    };
    const background = (el) => {
      for (let node = el; node; node = node.parentElement) {
        const [r, g, b, a = 1] = rgb(getComputedStyle(node).backgroundColor);
        if (a > 0.5) return [r, g, b];
      }
      return [255, 255, 255];
    };
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const seen = new Set();
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const el = node.parentElement;
      if (!node.textContent.trim() || seen.has(el) || el.closest('.player, option, noscript')) continue;
      seen.add(el);
      if (!visible(el)) continue;
      const style = getComputedStyle(el);
      const fg = rgb(style.color);
      const [l1, l2] = [luminance(fg), luminance(background(el))].sort((a, b) => b - a);
      const ratio = (l1 + 0.05) / (l2 + 0.05);
      const size = parseFloat(style.fontSize);
      const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
      const needed = large ? 3 : 4.5;
      if (ratio < needed * (el.closest('button:disabled') ? 0 : 1)) {
        problems.push(`contrast ${ratio.toFixed(2)} < ${needed} for "${node.textContent.trim().slice(0, 40)}"`);
      }
    }
    return problems;
  });
}

// Screenshots of every page, at laptop size and at phone size, for a person to look at.
export class Shots {
  constructor(dir) {
    this.dir = dir;
    mkdirSync(dir, { recursive: true });
    this.taken = [];
  }

  async take(page, name) {
    const problems = await a11yProblems(page);
    check(problems.length === 0, `accessibility on "${name}":\n  ${problems.join('\n  ')}`);
    const laptop = page.viewportSize();
    await page.screenshot({ path: join(this.dir, `${name}-laptop.png`), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForTimeout(150);
    await page.screenshot({ path: join(this.dir, `${name}-phone.png`), fullPage: true });
    await page.setViewportSize(laptop);
    this.taken.push(name);
  }
}

export function readJson(path) {
  return JSON.parse(readFileSync(path, 'utf8'));
}
