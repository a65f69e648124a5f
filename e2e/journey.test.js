// Browser journey of issue 2 in Debian's headless Chromium: log in, create a client (after a
// validation error shown next to its field) with a contact, find it by search, switch the UI to
// English and back, log out. Every page on the way shows only text and passes axe (WCAG A/AA).
// Screenshots land in e2e/artifacts/.
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const path = require('node:path');

const { ART, LOGIN, PASSWORD, startServer, launch, assertClean, checkAndShoot } = require('./helpers');

test('log in, create a client with a contact, search, switch language, log out', { timeout: 120000 }, async () => {
  fs.mkdirSync(ART, { recursive: true });
  const server = await startServer();
  const browser = await launch();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'fr-FR' });
    page.setDefaultTimeout(15000);
    const shot = name => checkAndShoot(page, name);
    const base = server.base;

    // Log in.
    await page.goto(base + '/dashboard');
    await page.waitForURL(/\/login\?next=/);
    assert.strictEqual(await page.getAttribute('html', 'lang'), 'fr');
    await shot('01-login.png');
    await page.fill('#email', LOGIN);
    await page.fill('#password', PASSWORD);
    await page.click('button[type=submit].primary');
    await page.waitForURL(base + '/dashboard');
    await shot('02-dashboard.png');

    // Create a client: first with a bad SIREN, the error shows next to the field, the name stays.
    await page.goto(base + '/clients/new');
    await page.fill('#f-name', 'Maison Verlaine');
    await page.fill('#f-siren', '123456789');
    await page.fill('#f-segment', 'Commerce');
    await page.click('button.primary');
    const err = page.locator('#f-siren-error');
    await err.waitFor();
    assert.match(await err.textContent(), /SIREN invalide/);
    assert.strictEqual(await page.inputValue('#f-name'), 'Maison Verlaine');
    assert.strictEqual(await page.getAttribute('#f-siren', 'aria-invalid'), 'true');
    await shot('03-client-error.png');
    await page.fill('#f-siren', '732829320');
    await page.fill('#f-vat_number', 'FR44732829320');
    await page.fill('#f-billing_address', '3 rue Verlaine\n57000 Metz');
    await page.click('button.primary');
    await page.waitForURL(/\/clients\/[0-9a-f-]{36}\?notice=client-created/);
    assert.strictEqual((await page.textContent('h1')).trim(), 'Maison Verlaine');
    assert.match(await page.textContent('.notice'), /Client créé/);
    await shot('04-client-created.png');

    // Add a contact to it.
    await page.click('a[href$="/contacts/new"]');
    await page.waitForURL(/\/contacts\/new$/);
    await assertClean(page, 'contact form');
    await page.fill('#f-first_name', 'Paul');
    await page.fill('#f-last_name', 'Verlaine');
    await page.fill('#f-email', 'paul@maison-verlaine.fr');
    await page.fill('#f-phone', '+33 3 87 00 00 00');
    await page.selectOption('#f-contact_role', 'billing');
    await page.click('button.primary');
    await page.waitForURL(/\/contacts\/[0-9a-f-]{36}\?notice=contact-created/);
    assert.match(await page.textContent('.notice'), /Contact créé/);
    await assertClean(page, 'contact created');
    await page.click('text=Maison Verlaine');
    await page.waitForSelector('text=paul@maison-verlaine.fr');
    await shot('05-client-with-contact.png');

    // Find it by search.
    await page.goto(base + '/clients');
    await assertClean(page, 'clients');
    await page.fill('#q', 'verlaine');
    await page.press('#q', 'Enter');
    await page.waitForFunction(() => document.querySelector('#results .count')?.textContent.trim() === '1 client');
    const names = await page.locator('#results tbody tr td:first-child a').allTextContents();
    assert.deepStrictEqual(names, ['Maison Verlaine']);
    await shot('06-search.png');
    // Live search (htmx): typing alone updates the results.
    await page.fill('#q', '');
    await page.type('#q', 'dupain', { delay: 20 });
    await page.waitForFunction(() => [...document.querySelectorAll('#results tbody tr td:first-child a')].map(a => a.textContent).join('|') === 'Boulangerie Dupain');
    assert.strictEqual((await page.textContent('#results .count')).trim(), '1 client');
    assert.match(page.url(), /q=dupain/, 'the search is in the address bar');

    // Switch to English, then back to French.
    await page.click('[data-testid=switch-language]');
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    assert.strictEqual((await page.textContent('nav.side a[aria-current=page]')).trim(), 'Clients');
    assert.ok(await page.isVisible('text=Sign out'));
    await shot('07-english.png');
    await page.goto(base + '/dashboard');
    assert.ok(await page.isVisible('h1:has-text("Dashboard")'));
    await checkAndShoot(page, 'dashboard-en.png');
    await page.click('[data-testid=switch-language]');
    await page.waitForFunction(() => document.documentElement.lang === 'fr');
    assert.ok(await page.isVisible('h1:has-text("Tableau de bord")'));
    await assertClean(page, 'dashboard');

    // Log out: back on the login page, and pages need a login again.
    await page.click('text=Se déconnecter');
    await page.waitForURL(/\/login\?notice=logged-out/);
    assert.match(await page.textContent('.notice'), /déconnecté/);
    await shot('08-logged-out.png');
    await page.goto(base + '/dashboard');
    await page.waitForURL(/\/login\?next=/);
  } finally {
    await browser.close();
    server.proc.kill('SIGTERM');
    fs.rmSync(server.dir, { recursive: true, force: true });
  }
});
