// Browser journey of issue 11 in Debian's headless Chromium, in French then in English: a billing
// contact opens an invoice line's entries and asks about it; staff answer; the contact reads the
// answer; a project contact approves a change request; staff send a satisfaction survey and the
// contact answers it; the contact opens the monthly value report. Every page shows only text and
// passes axe; the kept screenshots (viewport) land in docs/screenshots/portal/.
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const path = require('node:path');

const { ART, PASSWORD, startServer, launch, assertClean } = require('./helpers');

const KEEP = path.join(__dirname, '..', 'docs', 'screenshots', 'portal');
const STAFF = 'camille.martin@atelier-lumiere.fr';
const BILLING = 'anne.dupont@boulangerie-dupain.fr';
const PROJECT = 'julien.robin@boulangerie-dupain.fr';

async function signIn(browser, email) {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'fr-FR' });
  const page = await ctx.newPage();
  page.setDefaultTimeout(15000);
  page.on('dialog', d => d.accept());
  return { ctx, page, email };
}

async function login(s, base) {
  await s.page.goto(base + '/login');
  await s.page.fill('#email', s.email);
  await s.page.fill('#password', PASSWORD);
  await s.page.click('button[type=submit].primary');
  await s.page.waitForURL(u => !String(u).includes('/login'));
}

/// The reader's language: switch once if the page is in the other one.
async function speak(page, lang) {
  if ((await page.getAttribute('html', 'lang')) !== lang) {
    await page.click('[data-testid=switch-language]');
    await page.waitForFunction(l => document.documentElement.lang === l, lang);
  }
}

async function keep(page, lang, name) {
  await assertClean(page, `${lang} ${name}`);
  await page.screenshot({ path: path.join(KEEP, `${lang}-${name}.png`) });
  await page.screenshot({ path: path.join(ART, `portal-${lang}-${name}.png`), fullPage: true });
}

for (const lang of ['fr', 'en']) {
  test(`portal journey (${lang}): invoice line entries, a question answered, a change approved, a survey answered, the monthly report`, { timeout: 240000 }, async () => {
    fs.mkdirSync(ART, { recursive: true });
    fs.mkdirSync(KEEP, { recursive: true });
    const server = await startServer();
    const browser = await launch();
    const base = server.base;
    try {
      const billing = await signIn(browser, BILLING);
      const staff = await signIn(browser, STAFF);
      const project = await signIn(browser, PROJECT);
      for (const s of [billing, staff, project]) {
        await login(s, base);
        await speak(s.page, lang);
      }

      // The billing contact opens an invoice and what its first line bills.
      let p = billing.page;
      await p.goto(base + '/portal/invoices');
      await p.click('table tbody tr:first-child a');
      await p.waitForURL(/\/portal\/invoices\/[0-9a-f-]+$/);
      const invoiceUrl = p.url();
      const details = p.locator('details.billed').first();
      await details.locator('summary').click();
      assert.ok(await details.locator('table tbody tr').first().isVisible(), 'the billed entries show');
      const text = await p.textContent('main');
      for (const secret of ['marge', 'margin', 'coût', 'cost rate']) assert.ok(!text.toLowerCase().includes(secret), secret);
      await keep(p, lang, '01-invoice-line-entries');

      // … and asks about that line.
      const options = await p.locator('#f-subject option').evaluateAll(os => os.map(o => o.value));
      const line = options.find(v => v.startsWith('invoice_line:'));
      assert.ok(line, 'a line can be asked about');
      await p.selectOption('#f-subject', line);
      const question = lang === 'fr' ? 'Pourquoi 3 h 45 sur les maquettes ?' : 'Why 3:45 on the mock-ups?';
      await p.fill('#f-body', question);
      await p.click('[data-testid=ask] button[type=submit]');
      await p.waitForURL(/\/portal\/questions\/[0-9a-f-]+/);
      const qid = p.url().split('/portal/questions/')[1].split(/[?#]/)[0];
      assert.ok((await p.textContent('main')).includes(question));
      await keep(p, lang, '02-question-asked');

      // Staff find it in their list and answer.
      let s = staff.page;
      await s.goto(base + '/questions');
      await s.click(`a[href="/questions/${qid}"]`);
      await s.waitForURL(new RegExp(`/questions/${qid}`));
      const answer = lang === 'fr' ? 'Trois ateliers de maquettes, le détail est sur la ligne.' : 'Three mock-up workshops, detailed on the line.';
      await s.fill('[data-testid=reply] #f-body', answer);
      await s.click('[data-testid=reply] button[type=submit]');
      await s.waitForLoadState('networkidle');
      assert.ok((await s.textContent('main')).includes(answer));
      await keep(s, lang, '03-staff-answer');

      // The contact reads the answer in the thread.
      await p.goto(base + `/portal/questions/${qid}`);
      assert.ok((await p.textContent('main')).includes(answer));
      await keep(p, lang, '04-contact-reads-answer');
      // The question shows on the invoice.
      await p.goto(invoiceUrl);
      assert.ok(await p.locator(`a[href="/portal/questions/${qid}"]`).count() >= 1);

      // The project contact approves the change request sent to them.
      const j = project.page;
      await j.goto(base + '/portal');
      await j.click('a[href^="/portal/projects/"]');
      await j.waitForURL(/\/portal\/projects\/[0-9a-f-]+$/);
      const approve = j.locator('form[action$="/decision"] button.primary').first();
      assert.ok(await approve.isVisible(), 'a change request to decide');
      await keep(j, lang, '05-change-request-to-decide');
      await approve.click();
      await j.waitForLoadState('networkidle');
      assert.strictEqual(await j.locator('form[action$="/decision"]').count(), 0, 'decided');
      await keep(j, lang, '06-change-request-approved');

      // Staff send a survey now; the billing contact answers it in the portal.
      await s.goto(base + '/clients');
      await s.click('a:has-text("Boulangerie Dupain")');
      await s.click('[data-testid=client-surveys]');
      await s.waitForURL(/\/nps\/clients\//);
      await s.click('form[action$="/send"] button[type=submit]');
      await s.waitForLoadState('networkidle');
      await p.goto(base + '/portal/surveys');
      await keep(p, lang, '07-surveys');
      await p.click('[data-testid=surveys] a[href^="/portal/surveys/"]');
      await p.waitForURL(/\/portal\/surveys\/[0-9a-f-]+$/);
      await p.click('label[for="f-score-9"]');
      await p.fill('#f-comment', lang === 'fr' ? 'Équipe réactive.' : 'Responsive team.');
      await p.click('main button[type=submit].primary');
      await p.waitForLoadState('networkidle');
      assert.ok(await p.locator('#f-score-9').isChecked(), 'the answer shows, still editable for 24 h');
      await keep(p, lang, '08-survey-answered');

      // The monthly value report, for the project contact.
      await j.goto(base + '/portal/report');
      assert.ok(await j.locator('[data-testid=value-report-summary]').isVisible());
      await keep(j, lang, '09-monthly-report');
      const pdf = await project.ctx.request.get(base + (await j.getAttribute('[data-testid=value-report-pdf]', 'href')));
      assert.strictEqual(pdf.status(), 200);
      assert.ok((await pdf.body()).subarray(0, 5).toString() === '%PDF-');
    } finally {
      await browser.close();
      server.proc.kill('SIGTERM');
      fs.rmSync(server.dir, { recursive: true, force: true });
    }
  });
}
