// Browser journey of issue 12 in Debian's headless Chromium, in French then in English: a project
// contact opens a ticket in the portal; an agent finds it, answers with a canned reply, escalates
// it to second line and resolves it; the contact rates it; the service dashboard counts it; the
// manager opens the public request form, a visitor writes from it and the agent accepts the held
// request for a client on the inbound log; the agent keeps a search as a saved view; the
// manager gives a client its own business hours. Every
// page shows only text and passes axe; the kept screenshots (viewport) land in
// docs/screenshots/desk/.
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const path = require('node:path');

const { ART, PASSWORD, startServer, launch, assertClean } = require('./helpers');

const KEEP = path.join(__dirname, '..', 'docs', 'screenshots', 'desk');
const AGENT = 'lea.petit@atelier-lumiere.fr';
const MANAGER = 'hugo.bernard@atelier-lumiere.fr';
const CUSTOMER = 'julien.robin@boulangerie-dupain.fr';

async function signIn(browser, email, base, lang) {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'fr-FR' });
  const page = await ctx.newPage();
  page.setDefaultTimeout(15000);
  await page.goto(base + '/login');
  await page.fill('#email', email);
  await page.fill('#password', PASSWORD);
  await page.click('button[type=submit].primary');
  await page.waitForURL(u => !String(u).includes('/login'));
  if ((await page.getAttribute('html', 'lang')) !== lang) {
    await page.click('[data-testid=switch-language]');
    await page.waitForFunction(l => document.documentElement.lang === l, lang);
  }
  return page;
}

async function keep(page, lang, name) {
  await assertClean(page, `${lang} ${name}`);
  await page.screenshot({ path: path.join(KEEP, `${lang}-${name}.png`) });
  await page.screenshot({ path: path.join(ART, `desk-${lang}-${name}.png`), fullPage: true });
}

/// The figure of one KPI card of the dashboard.
async function kpi(page, key) {
  return (await page.textContent(`[data-kpi="${key}"] .figure`)).trim();
}

for (const lang of ['fr', 'en']) {
  test(`desk journey (${lang}): a portal ticket answered with a canned reply, escalated, resolved, rated, counted`, { timeout: 240000 }, async () => {
    fs.mkdirSync(ART, { recursive: true });
    fs.mkdirSync(KEEP, { recursive: true });
    const server = await startServer();
    const browser = await launch();
    const base = server.base;
    try {
      const customer = await signIn(browser, CUSTOMER, base, lang);
      const agent = await signIn(browser, AGENT, base, lang);
      const manager = await signIn(browser, MANAGER, base, lang);

      // The dashboard before, for today.
      await manager.goto(base + '/desk/kpis?period=this_month');
      const volumeBefore = Number(await kpi(manager, 'volume'));

      // The customer opens a ticket in the portal.
      const c = customer;
      await c.goto(base + '/portal/tickets');
      await keep(c, lang, '01-portal-tickets');
      await c.click('a[href="/portal/tickets/new"]');
      const subject = lang === 'fr' ? 'Le formulaire de commande ne part pas' : 'The order form does not send';
      await c.selectOption('#f-kind', 'incident');
      await c.selectOption('#f-priority', 'high');
      await c.fill('#f-subject', subject);
      await c.fill('#f-body', lang === 'fr' ? 'Depuis ce matin, le bouton Envoyer ne fait rien.' : 'Since this morning the Send button does nothing.');
      await c.click('[data-testid=ticket-form] button[type=submit]');
      await c.waitForURL(/\/portal\/tickets\/[0-9a-f-]+/);
      const id = c.url().split('/portal/tickets/')[1].split(/[?#]/)[0];
      assert.ok((await c.textContent('main')).includes(subject));
      await keep(c, lang, '02-ticket-opened');

      // The agent finds it among the unassigned, with its deadline.
      const a = agent;
      await a.goto(base + '/desk?view=unassigned');
      await a.click(`a[href="/desk/tickets/${id}"]`);
      await a.waitForURL(new RegExp(`/desk/tickets/${id}`));
      await a.click('[data-testid=sla-explanation] summary');
      await keep(a, lang, '03-ticket-with-deadlines');
      // A canned reply, its placeholders filled, sent publicly.
      await a.selectOption('#f-canned', { index: 0 });
      await a.click('[data-testid=canned-form] button[type=submit]');
      await a.waitForURL(/canned=/);
      const body = await a.inputValue('#f-body');
      assert.ok(!body.includes('{{') && body.includes(`#`), 'placeholders filled');
      await a.click('[data-testid=reply] button[type=submit]');
      await a.waitForURL(new RegExp(`/desk/tickets/${id}\\?notice=`));
      // Escalated to second line, assigned to the manager, with a reason.
      await a.selectOption('[data-testid=move] #f-tier', 'second');
      await a.selectOption('[data-testid=move] #f-assignee_id', { label: 'Hugo Bernard' });
      await a.fill('[data-testid=move] #f-reason', lang === 'fr' ? 'Bug serveur' : 'Server bug');
      await a.click('[data-testid=move] button[type=submit]');
      await a.waitForURL(/notice=desk-moved/);
      assert.ok((await a.textContent('[data-testid=ticket-tier]')).length > 0);
      await keep(a, lang, '04-escalated');

      // The manager resolves it with a public reply.
      const m = manager;
      await m.goto(base + `/desk/tickets/${id}`);
      await m.fill('#f-body', lang === 'fr' ? 'Corrigé : le formulaire part de nouveau.' : 'Fixed: the form sends again.');
      await m.selectOption('#f-reply-status', 'resolved');
      await m.click('[data-testid=reply] button[type=submit]');
      await m.waitForURL(/notice=desk-replied/);
      await keep(m, lang, '05-resolved');

      // The customer reads the answer and rates it.
      await c.goto(base + `/portal/tickets/${id}`);
      assert.ok(await c.locator('[data-testid=csat-form]').isVisible(), 'the rating is asked');
      await c.click('label[for="f-score-5"]');
      await c.fill('#f-comment', lang === 'fr' ? 'Rapide et clair.' : 'Quick and clear.');
      await c.click('[data-testid=csat-form] button[type=submit]');
      await c.waitForURL(/notice=desk-csat-thanks/);
      assert.ok(await c.locator('[data-testid=csat-given]').isVisible());
      await keep(c, lang, '06-rated');

      // The dashboard counts it.
      await m.goto(base + '/desk/kpis?period=this_month');
      assert.strictEqual(Number(await kpi(m, 'volume')), volumeBefore + 1, 'one more ticket');
      assert.ok(await m.locator('[data-testid=desk-trend] svg').isVisible());
      await keep(m, lang, '07-dashboard');
      const csv = await m.context().request.get(base + '/desk/kpis.csv?period=this_month');
      assert.strictEqual(csv.status(), 200);

      // The manager opens the public request form; a visitor writes from it.
      await m.goto(base + '/desk/setup');
      await m.click('[data-testid=form-switch] button[value="1"]');
      await m.waitForURL(/notice=desk-form-on/);
      const link = await m.getAttribute('[data-testid=form-link] a', 'href');
      const visitorCtx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: lang === 'fr' ? 'fr-FR' : 'en-US' });
      const v = await visitorCtx.newPage();
      await v.goto(link);
      assert.strictEqual(await v.getAttribute('html', 'lang'), lang);
      await v.fill('#f-name', 'Nina Nouvelle');
      await v.fill('#f-email', 'nina@nouvelle.example.org');
      await v.fill('#f-subject', lang === 'fr' ? 'Demande de devis' : 'Asking for a quote');
      await v.fill('#f-message', lang === 'fr' ? 'Pouvez-vous refaire notre site ?' : 'Could you redo our site?');
      await keep(v, lang, '08-public-form');
      await v.click('[data-testid=public-form] button[type=submit]');
      await v.waitForSelector('[data-testid=form-thanks]');
      // An unknown address: held on the inbound log; the agent accepts it for a client.
      await a.goto(base + '/desk/inbound?status=held');
      assert.ok(await a.locator('[data-testid=held-count]').isVisible());
      await a.selectOption('[data-testid=accept-form] select', { index: 1 });
      await keep(a, lang, '09-inbound-held');
      await a.click('[data-testid=accept-form] button[type=submit]');
      await a.waitForURL(/\/desk\/tickets\/[0-9a-f-]+\?notice=desk-inbound-accepted/);
      assert.ok((await a.textContent('main')).includes(lang === 'fr' ? 'Demande de devis' : 'Asking for a quote'));
      await a.goto(base + '/desk/inbound');
      await keep(a, lang, '10-inbound-log');
      await visitorCtx.close();

      // The agent keeps a search as a view of their own: a tab, shown as the current one.
      await a.goto(base + '/desk?view=all&sort=oldest&q=' + encodeURIComponent(lang === 'fr' ? 'devis' : 'quote'));
      await a.click('[data-testid=save-view] summary');
      await a.fill('#f-view-name', lang === 'fr' ? 'Devis à suivre' : 'Quotes to follow');
      await a.click('[data-testid=save-view] button[type=submit]');
      await a.waitForURL(/notice=desk-view-saved/);
      const tab = a.locator('[data-testid=saved-views] a[aria-current=page]');
      assert.strictEqual((await tab.textContent()).trim(), lang === 'fr' ? 'Devis à suivre' : 'Quotes to follow');
      assert.ok(await a.locator('[data-testid=delete-view]').isVisible());
      await keep(a, lang, '11-saved-view');

      // The manager gives a client its contract's hours; its open tickets are recomputed.
      await m.goto(base + '/desk/setup');
      await m.selectOption('#f-calendar-client', { index: 0 });
      await m.click('[data-testid=client-calendar-open] button[type=submit]');
      await m.waitForSelector('[data-testid=client-calendar-form]');
      assert.ok(await m.locator('[data-testid=calendar-workspace]').isVisible());
      for (const day of ['mon', 'tue', 'wed', 'thu', 'fri']) {
        await m.fill(`#f-week_${day}`, '08:00-20:00');
      }
      await keep(m, lang, '12-client-calendar');
      await m.click('[data-testid=client-calendar-form] button.primary');
      await m.waitForURL(/notice=desk-client-calendar-saved/);
      assert.ok(await m.locator('[data-testid=client-calendars] a').first().isVisible());
    } finally {
      await browser.close();
      server.proc.kill('SIGTERM');
      fs.rmSync(server.dir, { recursive: true, force: true });
    }
  });
}
