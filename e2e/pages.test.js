// Every page, both languages, every role: signs in as each demo login, visits every page the
// navigation offers and the pages one or two links further (one per kind of address, bounded:
// records, their edit forms, new-record forms), in French then in English, and fails on a
// server error, on any raw text (placeholder, message id, snake_case value, UUID) or on any
// WCAG 2.0/2.1/2.2 A or AA violation axe-core finds. The signed-out pages (login, its
// error, the forgotten password form) are checked the same way in both languages.
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const path = require('node:path');

const { ART, PASSWORD, startServer, launch, leftovers, axeViolations, axeCount } = require('./helpers');

const LOGINS = [
  ['owner', 'camille.martin@atelier-lumiere.fr'],
  ['manager', 'hugo.bernard@atelier-lumiere.fr'],
  ['staff', 'lea.petit@atelier-lumiere.fr'],
  ['contact', 'anne.dupont@boulangerie-dupain.fr'],
  ['project-contact', 'julien.robin@boulangerie-dupain.fr'],
];
const SKIP = /\/logout|\.csv|\/exports\/|^mailto:|#|\/pdf$|\.pdf(\?|$)|facturx\.xml$/;
const PER_ROLE = 60;

test('every page in both languages for every role shows only text and passes axe', { timeout: 600000 }, async () => {
  fs.mkdirSync(ART, { recursive: true });
  const server = await startServer();
  const browser = await launch();
  const problems = [];
  const visited = {};
  // One line per page and rule (with how many elements), so a broken page does not drown the rest.
  const check = async (page, where) => {
    for (const f of await leftovers(page)) problems.push(`${where}: ${f}`);
    const rules = {};
    for (const v of await axeViolations(page)) {
      const rule = v.split(':')[0];
      if (!rules[rule]) rules[rule] = { n: 0, first: v };
      rules[rule].n += 1;
    }
    for (const r of Object.values(rules)) problems.push(`${where}: ${r.n} × ${r.first}`);
  };
  try {
    // Signed out, in both languages: the login page, a refused login, the forgotten password.
    {
      const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const page = await ctx.newPage();
      page.setDefaultTimeout(15000);
      for (const lang of ['fr', 'en']) {
        await page.goto(server.base + '/login');
        if ((await page.getAttribute('html', 'lang')) !== lang) {
          await page.click('[data-testid=switch-language]');
          await page.waitForFunction(l => document.documentElement.lang === l, lang);
        }
        await check(page, `visitor ${lang} /login`);
        await page.click('button[type=submit].primary');
        await page.waitForSelector('.field-error');
        if (!(await page.locator('.error-summary').count())) problems.push(`visitor ${lang} /login (refused): no error summary`);
        await check(page, `visitor ${lang} /login (refused)`);
        await page.goto(server.base + '/password/forgot');
        await check(page, `visitor ${lang} /password/forgot`);
        await page.click('button[type=submit].primary');
        await page.waitForSelector('.field-error');
        if (!(await page.locator('.error-summary').count())) problems.push(`visitor ${lang} /password/forgot (refused): no error summary`);
        await check(page, `visitor ${lang} /password/forgot (refused)`);
        visited[`visitor ${lang}`] = 4;
      }
      await ctx.close();
    }
    for (const [role, email] of LOGINS) {
      const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const page = await ctx.newPage();
      page.setDefaultTimeout(15000);
      await page.goto(server.base + '/login');
      await page.fill('#email', email);
      await page.fill('#password', PASSWORD);
      await page.click('button[type=submit].primary');
      await page.waitForLoadState('load');
      for (const lang of ['fr', 'en']) {
        if ((await page.getAttribute('html', 'lang')) !== lang) {
          await page.click('[data-testid=switch-language]');
          await page.waitForFunction(l => document.documentElement.lang === l, lang);
        }
        const start = page.url();
        const nav = await page.$$eval('nav a[href^="/"]', as => as.map(a => a.getAttribute('href')));
        const queue = [...new Set([start.replace(server.base, ''), ...nav])];
        const seen = new Set();
        while (queue.length && seen.size < PER_ROLE) {
          const href = queue.shift();
          if (seen.has(href) || SKIP.test(href)) continue;
          seen.add(href);
          const res = await page.goto(server.base + href);
          const status = res ? res.status() : 0;
          if (status >= 500 || (status === 404 && nav.includes(href))) problems.push(`${role} ${lang} ${href}: HTTP ${status}`);
          await check(page, `${role} ${lang} ${href}`);
          // From the navigation's pages and from the records they lead to (edit forms, new
          // contacts, a time entry's form…); links out of the frame (`/assets`, `/api`) excluded.
          if (nav.includes(href) || /[0-9a-f-]{36}/.test(href)) {
            const links = await page.$$eval('main a[href^="/"]', as => as.map(a => a.getAttribute('href')));
            // One detail page of each kind is enough: keep the first link per path shape.
            const shapes = new Set(queue.concat([...seen]).map(h => h.replace(/[0-9a-f-]{36}/g, ':id').split('?')[0]));
            for (const l of links) {
              const shape = l.replace(/[0-9a-f-]{36}/g, ':id').split('?')[0];
              if (!shapes.has(shape) && !/^\/(assets|api)\//.test(l)) { shapes.add(shape); queue.push(l); }
            }
          }
        }
        visited[`${role} ${lang}`] = seen.size;
        await page.screenshot({ path: path.join(ART, `pages-${role}-${lang}.png`) });
      }
      await ctx.close();
    }
  } finally {
    await browser.close();
    server.proc.kill('SIGTERM');
    fs.rmSync(server.dir, { recursive: true, force: true });
  }
  console.log('pages visited:', JSON.stringify(visited), '— axe runs:', axeCount());
  // The sweep must really have walked the application (not stopped at the login page).
  assert.ok(visited['owner fr'] >= 15 && visited['owner en'] >= 15, JSON.stringify(visited));
  assert.ok(visited['contact fr'] >= 2, JSON.stringify(visited));
  assert.ok(visited['project-contact fr'] >= 3, JSON.stringify(visited));
  assert.deepStrictEqual(problems, [], problems.join('\n'));
});
