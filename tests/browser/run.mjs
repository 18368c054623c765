// Browser tests of the web view, in headless Chromium (Debian's `chromium`) driven by
// playwright-core: staff, client and intervenant sign in; staff post a message with a
// file and download it; the calendar opens; an intervenant's dossier page shows no quote.
// Screenshots of the main pages, at desktop and phone widths, go to target/screenshots/.
// Without Chromium the suite skips with one line, except under CI=true where it fails.

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const browserPath = process.env.CHROMIUM ?? '/usr/bin/chromium';
if (!existsSync(browserPath)) {
  if (process.env.CI === 'true') {
    console.error(`browser tests: ${browserPath} is missing (install Debian's chromium)`);
    process.exit(1);
  }
  console.log(`skipped: browser tests need Chromium at ${browserPath}`);
  process.exit(0);
}
const binary = process.env.DOSSIER_BIN ?? join(root, 'target/debug/dossier');
const shots = join(root, 'target/screenshots');
mkdirSync(shots, { recursive: true });

const data = mkdtempSync(join(tmpdir(), 'dossier-browser-'));
const server = spawn(binary, ['--data', data, '--http', '127.0.0.1:0', '--smtp', '127.0.0.1:0', 'serve', '--demo'], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
const first = await new Promise((ok, fail) => {
  createInterface({ input: server.stdout }).once('line', ok);
  server.once('exit', (code) => fail(new Error(`serve exited with ${code}`)));
});
const http = /http=(\S+)/.exec(first)?.[1];
if (!http) throw new Error(`no address in the first line: ${first}`);
const base = `http://${http}`;
const demo = JSON.parse(readFileSync(join(data, 'demo.json'), 'utf8'));
const login = (kind) => demo.users.find((u) => u.kind === kind);
const kitchen = demo.dossiers.find((d) => d.status === 'open').number;

const browser = await chromium.launch({
  executablePath: browserPath,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

const failures = [];
async function check(name, body) {
  const context = await browser.newContext({ acceptDownloads: true });
  const page = await context.newPage();
  try {
    await body(page);
    console.log(`ok   ${name}`);
  } catch (err) {
    failures.push(name);
    console.log(`FAIL ${name}: ${err.message}`);
    await page.screenshot({ path: join(shots, `failure-${name.replace(/\W+/g, '-')}.png`), fullPage: true }).catch(() => {});
  } finally {
    await context.close();
  }
}

function expect(condition, message) {
  if (!condition) throw new Error(message);
}

async function signIn(page, user) {
  await page.goto(`${base}/login`);
  await page.fill('#email', user.email);
  await page.fill('#password', user.password);
  await Promise.all([page.waitForURL(`${base}/dossiers`), page.click('form.login:first-of-type button')]);
}

async function shoot(page, name) {
  for (const [width, height, label] of [[1280, 900, 'desktop'], [390, 844, 'phone']]) {
    await page.setViewportSize({ width, height });
    await page.screenshot({ path: join(shots, `${name}-${label}.png`), fullPage: true });
  }
}

await check('staff sign in, post a message with a file and download it', async (page) => {
  await signIn(page, login('staff'));
  await shoot(page, 'dossiers');
  await page.click(`text=${kitchen}`);
  expect((await page.textContent('h1')).includes(kitchen), 'the dossier page opens');
  await shoot(page, 'dossier');
  await page.fill('#text', 'Message depuis le navigateur');
  await page.setInputFiles('#files', { name: 'releve.txt', mimeType: 'text/plain', buffer: Buffer.from('mesures: 3,20 m') });
  await Promise.all([page.waitForURL(/#message-/), page.click('form.post button')]);
  expect((await page.content()).includes('Message depuis le navigateur'), 'the message is shown');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('text=releve.txt >> nth=0')]);
  const path = await download.path();
  expect(readFileSync(path, 'utf8') === 'mesures: 3,20 m', 'the downloaded file has the uploaded bytes');
  await page.goto(`${base}/calendar?view=list`);
  expect((await page.content()).includes('Pose de la cuisine'), 'the calendar lists the demo events');
  await page.goto(`${base}/calendar`);
  await shoot(page, 'calendar');
  await page.goto(`${base}/admin/mail`);
  await shoot(page, 'admin-mail');
});

await check('a client sees quotes and can write', async (page) => {
  await signIn(page, login('client'));
  await page.goto(`${base}/dossiers/${kitchen}`);
  expect((await page.content()).includes('Devis, commandes et factures'), 'the client sees the quotes');
  await page.click('text=D-');
  await shoot(page, 'document');
});

await check('an intervenant sees the dossier but no quote', async (page) => {
  await signIn(page, login('intervenant'));
  await page.goto(`${base}/dossiers/${kitchen}`);
  const html = await page.content();
  expect(html.includes(kitchen) && !html.includes('Devis, commandes et factures') && !html.includes('D-20'), 'no quote on the page');
  const response = await page.goto(`${base}/admin/mail`);
  expect(response.status() === 404, 'no administration');
});

await browser.close();
server.kill('SIGTERM');
console.log(`screenshots in ${shots}`);
if (failures.length) {
  console.error(`${failures.length} browser test(s) failed`);
  process.exit(1);
}
