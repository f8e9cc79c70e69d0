/**
 * Saves the README's screenshots of the admin console under docs/: the real
 * server on a throwaway SQLite file, the demo data, a few keys with some
 * traffic, and the console driven in headless Chromium (as the browser tests
 * do). Run it by hand when the console changes; no test writes to docs/.
 *
 *   npx tsx scripts/console-screenshots.ts
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { createApp, openDatabase } from '../src/app';
import { loadConfig } from '../src/config';
import type { Actor } from '../src/domain/actor';
import { seedAccount } from '../src/domain/seed';
import { projectRoot } from '../src/paths';
import { keyRow, launchChromium, openConsole } from '../test/browser/console-page';

const DOCS = join(projectRoot, 'docs');
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'scopeql-screenshots-'));
  const config = loadConfig({ DATABASE_URL: `sqlite:${join(dir, 'scopeql.sqlite')}`, LOG_LEVEL: 'silent', WEBHOOK_WORKER: 'false' });
  const app = await createApp(config, await openDatabase(config));
  const origin = (await app.http.listen({ host: '127.0.0.1', port: 0 })).replace(/\/$/, '');
  const browser = await launchChromium();
  try {
    const adminKey = await prepare(app, origin);
    mkdirSync(DOCS, { recursive: true });
    const phone = await browser.newContext({ viewport: PHONE, locale: 'en-GB', timezoneId: 'Europe/London', isMobile: true, hasTouch: true });
    const phonePage = await phone.newPage();
    await openConsole(phonePage, origin, adminKey);
    await save(phonePage, 'console-phone.png');
    await phone.close();

    const context = await browser.newContext({ viewport: DESKTOP, locale: 'en-GB', timezoneId: 'Europe/London' });
    const page = await context.newPage();
    await shoot(page, origin, adminKey);
    await context.close();
  } finally {
    await browser.close();
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** An account with demo data, policies, keys of the README's integrations, and some requests. */
async function prepare(app: Awaited<ReturnType<typeof createApp>>, origin: string): Promise<string> {
  const { services } = app;
  const account = await services.repos.accounts.findOrCreate('lakeside', 'Lakeside Adventures');
  const operator: Actor = { kind: 'operator', accountId: account.id };
  await seedAccount(services, account.id);
  const mintKey = (input: Parameters<typeof services.keys.create>[1]) => services.keys.create(operator, input);
  const mint = async (input: Parameters<typeof services.keys.create>[1]) => (await mintKey(input)).secret;
  const call = async (key: string, query: string) => {
    const response = await fetch(`${origin}/graphql`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ query }),
    });
    return response.json() as Promise<{ data?: unknown; errors?: unknown[] }>;
  };

  const admin = await mint({ name: 'Admin console', bundles: ['full'] });
  await call(admin, 'mutation { createScopePolicy(input: { name: "No deletes", mode: DENY, scopes: ["customers:delete", "bookings:delete", "products:delete"] }) { policy { id } } }');
  await call(admin, 'mutation { createScopePolicy(input: { name: "Support desk", mode: ALLOW, scopes: ["customers:read", "customers:update", "bookings:read"] }) { policy { id } } }');

  const zapier = await mintKey({ name: 'Old Zapier connection', scopes: ['bookings:write', 'customers:read'] });
  await call(zapier.secret, 'query ZapierPoll { bookings(first: 10) { edges { node { id } } } }');
  await services.keys.revoke(operator, zapier.key.id);

  const widget = await mint({ name: 'Website booking widget', type: 'PUBLISHABLE', bundles: ['booking_widget'], allowedOrigins: ['https://lakeside.example'] });
  await call(widget, 'query Products { products(first: 10) { edges { node { id name } } } }');
  const form = await mint({ name: 'Online booking form', bundles: ['booking_agent'] });
  await call(form, 'query Products { products(first: 10) { edges { node { id name } } } }');
  await mint({ name: 'Accounting sync', bundles: ['accounting_sync'], ipAllowlist: ['203.0.113.0/24'], expiresAt: new Date(Date.now() + 365 * 864e5) });
  const dashboard = await mint({ name: 'Analytics dashboard', scopes: ['reports:read', 'products:read', 'customers:read', 'bookings:read'] });
  const from = new Date().toISOString();
  const to = new Date(Date.now() + 28 * 864e5).toISOString();
  const summary = `query Dashboard { reports { bookingSummary(from: "${from}", to: "${to}") { confirmedBookings revenueCents } } }`;
  await call(dashboard, summary);
  await call(dashboard, 'query ProductNames { products(first: 20) { edges { node { name } } } }');
  await call(dashboard, summary);
  await call(dashboard, 'mutation AddProduct { createProduct(input: { name: "Test", priceCents: 100, capacity: 1 }) { product { id } } }');
  await call(dashboard, summary);
  await services.requestLogs.flush();
  await services.lastUsed.flush();
  return admin;
}

async function shoot(page: Page, origin: string, adminKey: string): Promise<void> {
  await openConsole(page, origin, adminKey);
  await save(page, 'console-keys.png');

  // Create: two whole categories selected; the shot frames the scope picker.
  await page.getByRole('navigation').getByRole('button', { name: 'Create key' }).click();
  await page.getByLabel('Name').fill('Partner portal');
  await page.getByLabel('IP allowlist (optional)').fill('198.51.100.7\n2001:db8::/32');
  await page.getByRole('button', { name: 'Select all Catalog scopes', exact: true }).click();
  await page.getByRole('button', { name: 'Select all Bookings scopes', exact: true }).click();
  await page.getByLabel('Expires (optional)').fill('2027-06-30T18:00');
  await scrollTo(page, '.form-grid', 16);
  await save(page, 'console-create.png');

  await page.getByRole('button', { name: 'Create key', exact: true }).last().click();
  await page.getByRole('heading', { name: /created/ }).waitFor();
  await save(page, 'console-secret.png');
  await page.getByRole('button', { name: 'I have copied it' }).click();

  await keyRow(page, 'Analytics dashboard').getByRole('button', { name: 'Analytics dashboard', exact: true }).click();
  await page.getByRole('group', { name: 'Unused', exact: true }).waitFor();
  await scrollTo(page, '.facts', 16);
  await save(page, 'console-key-detail.png');

  await page.getByRole('button', { name: 'Review the suggested scopes' }).click();
  await page.getByRole('heading', { name: /^Edit/ }).waitFor();
  await scrollTo(page, '.key-form .notice-info', 16);
  await save(page, 'console-edit.png');

  await page.getByRole('navigation').getByRole('button', { name: 'Policies' }).click();
  await page.getByRole('heading', { name: 'Scope policies' }).waitFor();
  await save(page, 'console-policies.png');
}

/** Scrolls the first element matching `selector` to `margin` pixels below the top of the window. */
async function scrollTo(page: Page, selector: string, margin: number): Promise<void> {
  await page.evaluate(`window.scrollTo(0, document.querySelector(${JSON.stringify(selector)}).getBoundingClientRect().top + window.scrollY - ${margin})`);
}

async function save(page: Page, name: string): Promise<void> {
  // Focus rings and the caret are for people, not for pictures.
  await page.evaluate('document.activeElement && document.activeElement.blur()');
  await page.screenshot({ path: join(DOCS, name) });
  console.log(`docs/${name}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
