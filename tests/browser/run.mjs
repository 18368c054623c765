// Browser tests of the web view, in headless Chromium (Debian's `chromium`) driven by
// playwright-core: staff, client and intervenant sign in; staff post a message with a
// file and download it; the calendar opens; an intervenant's dossier page shows no quote;
// every page of every role fits a 390 px phone and a 1280 px desk (no horizontal
// scroll) and passes axe-core's WCAG 2 A and AA rules (labels, contrast, headings…); a status change, a confirmation, a refused form that keeps what was typed,
// the line editor with JavaScript, the same bytes uploaded twice as two files, search;
// a quote's and an invoice's PDF, their first pages rendered by pdftoppm.
// Screenshots of every page, at desktop and phone widths, go to target/screenshots/.
// Without Chromium the suite skips with one line, except under CI=true where it fails.

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
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
  // bypassCSP lets axe-core be injected; the policy itself is tested over HTTP.
  const context = await browser.newContext({ acceptDownloads: true, bypassCSP: true });
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
  await Promise.all([page.waitForURL(`${base}/`), page.click('form.login:first-of-type button')]);
}

async function shoot(page, name) {
  for (const [width, height, label] of [[1280, 900, 'desktop'], [390, 844, 'phone']]) {
    await page.setViewportSize({ width, height });
    await page.screenshot({ path: join(shots, `${name}-${label}.png`), fullPage: true });
  }
}

await check('staff sign in, post a message with a file and download it', async (page) => {
  await signIn(page, login('staff'));
  await shoot(page, 'home');
  await page.goto(`${base}/dossiers`);
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
  await page.click('nav.tabs >> text=Devis & factures');
  expect(page.url().endsWith('/documents'), 'the documents have their own page');
  await page.click('text=/Devis D-/ >> nth=0');
  await shoot(page, 'document');
});

await check('an intervenant sees the dossier but no quote', async (page) => {
  await signIn(page, login('intervenant'));
  await page.goto(`${base}/dossiers/${kitchen}`);
  const html = await page.content();
  expect(html.includes(kitchen) && !html.includes('Devis &amp; factures') && !html.includes('D-20'), 'no quote on the page');
  const response = await page.goto(`${base}/admin/mail`);
  expect(response.status() === 404, 'no administration');
});

// Every page a role reaches from its menus and tabs, at both widths: nothing wider than
// the screen.
const axePath = join(root, 'tests/browser/node_modules/axe-core/axe.min.js');

/// The WCAG 2 A and AA rules axe finds broken on the page, as "rule: target" lines.
async function accessibility(page) {
  await page.addScriptTag({ path: axePath });
  const found = await page.evaluate(async () => {
    const result = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa'] } });
    return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
  });
  return found;
}

const sections = ['', '/files', '/documents', '/events', '/expenses', '/activities', '/intervenants', '/history'];
for (const kind of ['staff', 'client', 'intervenant']) {
  await check(`every ${kind} page fits a phone and a desk`, async (page) => {
    await signIn(page, login(kind));
    const paths = ['/', '/dossiers', '/calendar', '/calendar?view=list', '/settings'];
    for (const s of sections) paths.push(`/dossiers/${kitchen}${s}`);
    if (kind === 'staff') {
      paths.push('/admin/mail', '/admin/people', '/admin/business', '/dossiers/new', `/dossiers/${kitchen}/events/new`,
        `/dossiers/${kitchen}/documents/new?kind=quote`, `/dossiers/${kitchen}/expenses/new`,
        `/dossiers/${kitchen}/activities/new`, `/dossiers/${kitchen}/reference`, `/dossiers/${kitchen}/close`);
    }
    const wide = [];
    const broken = [];
    for (const path of paths) {
      const response = await page.goto(`${base}${path}`);
      if (response.status() === 404) continue; // a section the role may not open
      expect(response.status() === 200, `${path} answers ${response.status()}`);
      for (const rule of await accessibility(page)) broken.push(`${path} ${rule}`);
      for (const [width, height, label] of [[1280, 900, 'desktop'], [390, 844, 'phone']]) {
        await page.setViewportSize({ width, height });
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        if (overflow > 0) wide.push(`${path} at ${width} px: ${overflow} px too wide`);
        const name = `${kind}${path.replace(/[^a-z0-9]+/gi, '_')}`;
        await page.screenshot({ path: join(shots, `${name}-${label}.png`), fullPage: true });
      }
    }
    expect(wide.length === 0, wide.join('; '));
    expect(broken.length === 0, `WCAG 2 AA (axe): ${broken.join('; ')}`);
  });
}

await check('a status change starts on the current status and is in the history', async (page) => {
  await signIn(page, login('staff'));
  await page.goto(`${base}/dossiers/${kitchen}/documents`);
  const select = page.locator('form.inline select[name=status] >> nth=0');
  const before = await select.inputValue();
  await Promise.all([page.waitForURL(/\/documents$/), page.click('form.inline button >> nth=0')]);
  expect(await page.locator('form.inline select[name=status] >> nth=0').inputValue() === before, 'pressing "Changer" as shown changes nothing');
  await page.locator('form.inline select[name=status] >> nth=0').selectOption(before === 'sent' ? 'accepted' : 'sent');
  await Promise.all([page.waitForURL(/\/documents$/), page.click('form.inline button >> nth=0')]);
  await page.goto(`${base}/dossiers/${kitchen}/history`);
  expect((await page.textContent('ol.history')).includes('Statut : devis'), 'the change is in the history');
});

await check('the page that sends a document fits a phone and passes axe', async (page) => {
  await signIn(page, login('staff'));
  await page.goto(`${base}/dossiers/${kitchen}/documents`);
  const href = await page.getAttribute('a[href$="/send"] >> nth=0', 'href');
  const response = await page.goto(`${base}${href}`);
  expect(response.status() === 200, `${href} answers ${response.status()}`);
  expect((await page.textContent('fieldset legend')).includes('Destinataires'), 'the recipients are offered');
  const broken = await accessibility(page);
  expect(broken.length === 0, `WCAG 2 AA (axe): ${broken.join('; ')}`);
  await page.setViewportSize({ width: 390, height: 844 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow <= 0, `${overflow} px too wide on a phone`);
  await page.screenshot({ path: join(shots, 'staff-send-document-phone.png'), fullPage: true });
});

await check('deleting a file asks first, and cancelling leaves it', async (page) => {
  await signIn(page, login('staff'));
  await page.goto(`${base}/dossiers/${kitchen}/files`);
  const count = await page.locator('ul.files li').count();
  await page.click('text=Supprimer… >> nth=0');
  expect((await page.textContent('h1')).includes('Supprimer un fichier'), 'a confirmation page');
  await page.click('text=Annuler');
  expect(page.url().endsWith('/files'), 'back to the files');
  expect(await page.locator('ul.files li').count() === count, 'nothing deleted');
});

await check('a refused event keeps what was typed, the sentence next to its field', async (page) => {
  await signIn(page, login('staff'));
  await page.goto(`${base}/dossiers/${kitchen}/events/new`);
  await page.fill('#title', 'Réception des travaux');
  await page.fill('#start', '2026-06-10');
  await page.fill('#end', '2026-06-09');
  await page.fill('#place', 'Sur le chantier');
  await page.click('form.stacked button[type=submit]');
  const error = await page.textContent('#end-error');
  expect(error.includes('La fin'), `the sentence is next to the end date: ${error}`);
  expect(await page.inputValue('#title') === 'Réception des travaux' && await page.inputValue('#place') === 'Sur le chantier', 'what was typed is kept');
  expect(await page.getAttribute('#end', 'aria-invalid') === 'true', 'the field says it is wrong');
});

await check('the line editor adds lines in place and keeps the totals', async (page) => {
  await signIn(page, login('staff'));
  await page.goto(`${base}/dossiers/${kitchen}/documents/new?kind=quote`);
  await page.fill('#title', 'Devis du navigateur');
  await page.fill('input[name=description_0]', 'Pose');
  await page.fill('input[name=quantity_0]', '2');
  await page.fill('input[name=price_0]', '150');
  await page.click('[data-add-line]');
  expect(await page.locator('table.lines tbody tr').count() === 2, 'a line added without leaving the page');
  await page.fill('input[name=description_1]', 'Fournitures');
  await page.fill('input[name=price_1]', '10,50');
  await page.selectOption('select[name=vat_1]', '5,5');
  const total = await page.textContent('[data-total=all]');
  // 300 € at 20 % and 10,50 € at 5,5 %: 360 + 11,08 = 371,08 €.
  expect(total.replace(/\s/g, '') === '371,08€', `the total follows: ${total}`);
  await Promise.all([page.waitForURL(/\/documents$/), page.click('form.document > button[type=submit]')]);
  expect((await page.content()).includes('Devis du navigateur'), 'the quote is saved');
});

await check('the same bytes uploaded twice are two files', async (page) => {
  await signIn(page, login('staff'));
  await page.goto(`${base}/dossiers/${kitchen}`);
  for (const name of ['mesures-a.txt', 'mesures-b.txt']) {
    await page.setInputFiles('#files', { name, mimeType: 'text/plain', buffer: Buffer.from('les mêmes octets') });
    await Promise.all([page.waitForURL(/#message-/), page.click('form.post button')]);
  }
  await page.goto(`${base}/dossiers/${kitchen}/files`);
  const text = await page.textContent('section.part');
  expect(text.includes('mesures-a.txt') && text.includes('mesures-b.txt'), 'each upload keeps its name');
});

await check('search finds with or without accents', async (page) => {
  await signIn(page, login('staff'));
  await page.goto(`${base}/dossiers`);
  for (const typed of ['cuisine', 'CUISINE', 'cuisiné']) {
    await page.fill('#q', typed);
    await Promise.all([page.waitForURL(/q=/), page.click('form.search button')]);
    expect((await page.textContent('main')).includes(kitchen), `«${typed}» finds the kitchen dossier`);
  }
  await shoot(page, 'search');
});

await check('a quote and an invoice as PDF, first pages rendered with pdftoppm', async (page) => {
  await signIn(page, login('client'));
  await page.goto(`${base}/dossiers/${kitchen}/documents`);
  const links = await page.$$eval('td a[href*="/documents/"]', (all) => all.map((a) => [a.textContent.trim(), a.getAttribute('href')]));
  const quote = links.find(([text]) => text.startsWith('Devis D-'));
  const invoice = links.findLast(([text]) => text.startsWith('Facture F-'));
  expect(quote && invoice, 'the demo has a quote and an issued invoice');
  for (const [[label, href], name] of [[quote, 'quote-pdf'], [invoice, 'invoice-pdf']]) {
    const response = await page.request.get(`${base}${href}/pdf`);
    expect(response.ok() && response.headers()['content-type'] === 'application/pdf', `${label}: a PDF`);
    const file = join(data, `${name}.pdf`);
    writeFileSync(file, await response.body());
    const rendered = spawnSync('pdftoppm', ['-png', '-r', '60', '-f', '1', '-l', '1', file, join(shots, name)]);
    if (rendered.error && process.env.CI !== 'true') {
      console.log('skipped: pdftoppm (poppler-utils) is missing, no PDF screenshots');
      return;
    }
    expect(rendered.status === 0, `pdftoppm renders ${label}: ${rendered.stderr}`);
  }
});

await browser.close();
server.kill('SIGTERM');
console.log(`screenshots in ${shots}`);
if (failures.length) {
  console.error(`${failures.length} browser test(s) failed`);
  process.exit(1);
}
