// Invoicing in Debian's headless Chromium (issue 10): the owner opens the invoices, builds a draft
// for a demo client from its approved work, opens a line onto the entries it bills, issues it,
// records a payment and makes a credit note. Every page on the way shows only text and passes axe
// (WCAG A/AA), in French and in English. Screenshots land in e2e/artifacts/.
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');

const { ART, LOGIN, PASSWORD, startServer, launch, assertClean, checkAndShoot } = require('./helpers');

test('invoicing journey: draft from the work, its entries, issue, payment, credit note, in both languages', { timeout: 180000 }, async () => {
  fs.mkdirSync(ART, { recursive: true });
  const server = await startServer();
  const browser = await launch();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 }, locale: 'fr-FR' });
    page.setDefaultTimeout(15000);
    // Issuing and cancelling ask for confirmation first.
    page.on('dialog', d => d.accept());
    const base = server.base;
    await page.goto(base + '/login');
    await page.fill('#email', LOGIN);
    await page.fill('#password', PASSWORD);
    await page.click('button[type=submit].primary');
    await page.waitForURL(base + '/dashboard');

    await page.goto(base + '/invoices');
    await checkAndShoot(page, 'invoices-fr.png');
    assert.ok(await page.isVisible('[data-testid=receivables]'), 'receivables by age');

    // A draft for the first demo client with unbilled approved work since the start of the year.
    const clients = await page.$$eval('#f-client_id option', os => os.map(o => o.value).filter(Boolean));
    assert.ok(clients.length > 0, 'demo clients to invoice');
    let draft = null;
    for (const client of clients) {
      await page.goto(base + '/invoices');
      await page.click('details.panel > summary');
      await page.selectOption('#f-client_id', client);
      await page.fill('#f-from', '2025-01-01');
      await page.fill('#f-to', '2027-03-16');
      await page.click('form[action="/invoices"] button[type=submit]');
      await page.waitForLoadState('load');
      if (/\/invoices\/[0-9a-f-]{36}(\?|$)/.test(page.url())) { draft = page.url().split('?')[0]; break; }
    }
    assert.ok(draft, 'one demo client has approved work to bill');
    const lines = page.locator('[data-testid=invoice-lines] tbody tr');
    assert.ok((await lines.count()) > 0);
    // A line opens onto the entries it bills.
    const billed = page.locator('details.billed').first();
    await billed.locator('summary').click();
    assert.ok(await billed.locator('table').isVisible(), 'the billed entries show');
    await checkAndShoot(page, 'invoice-draft-fr.png');

    // Issue: a number, and no more editing.
    await page.click(`form[action$="/issue"] button[type=submit]`);
    await page.waitForLoadState('load');
    assert.match(await page.textContent('main'), /F\d{4}-\d{4}/);
    assert.strictEqual(await page.locator(`form[action$="/issue"]`).count(), 0);
    await checkAndShoot(page, 'invoice-issued-fr.png');

    // A partial payment.
    await page.fill('#f-amount', '10,00');
    await page.click('form[action$="/payments"] button[type=submit]');
    await page.waitForLoadState('load');
    assert.strictEqual(await page.locator('.error-summary').count(), 0, await page.textContent('main'));
    assert.match(await page.textContent('main'), /10,00/);
    await assertClean(page, 'invoice after payment (fr)');

    // A partial credit note for a billing error: its own number.
    await page.click('details.panel:has(form[action$="/credit"]) > summary');
    await page.selectOption('#f-reason', 'wrong_rate');
    await page.fill('#f-credit_amount', '5,00');
    await page.click('form[action$="/credit"] button[type=submit]');
    await page.waitForLoadState('load');
    assert.strictEqual(await page.locator('.error-summary').count(), 0, await page.textContent('main'));
    assert.match(await page.textContent('main'), /AV\d{4}-\d{4}/);
    await checkAndShoot(page, 'credit-note-fr.png');

    // The same pages in English.
    await page.goto(draft);
    await page.click('[data-testid=switch-language]');
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    await checkAndShoot(page, 'invoice-issued-en.png');
    await page.goto(base + '/invoices');
    await checkAndShoot(page, 'invoices-en.png');
    await page.goto(base + '/invoices?kind=credit_note');
    await checkAndShoot(page, 'credit-notes-en.png');
  } finally {
    await browser.close();
    server.proc.kill('SIGTERM');
    fs.rmSync(server.dir, { recursive: true, force: true });
  }
});
