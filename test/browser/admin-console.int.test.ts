import type { Browser, BrowserContext, Page } from 'playwright-core';
import { toGlobalId } from '../../src/global-id';
import { startTestServer, type TestServer } from '../support/server';
import { focusedElement, keyRow, launchChromium, openConsole, pageText, storageOf, watchPage, widths, type FocusedElement } from './console-page';

/**
 * The admin console (/admin) in headless Chromium against the real server: the
 * page talks only to the public GraphQL API, and every change it makes is
 * checked from outside, over HTTP, with the key it manages.
 */

const PRODUCTS = '{ products(first: 1) { edges { node { id } } } }';
const CUSTOMERS = '{ customers(first: 1) { edges { node { id } } } }';
const BOOKINGS = '{ bookings(first: 1) { edges { node { id } } } }';

let server: TestServer;
let browser: Browser;
let origin: string;
let adminKey: string;
let context: BrowserContext;
let page: Page;
let problems: string[];

beforeAll(async () => {
  [server, browser] = await Promise.all([startTestServer(), launchChromium()]);
  origin = new URL(server.url).origin;
  // Every scope but admin: the console shows `admin` as one it cannot grant.
  adminKey = (await server.mintKey({ name: 'console admin', bundles: ['full'] })).secret;
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function codeOf(key: string, query: string): Promise<string> {
  const { body } = await server.graphql(query, { key });
  return body.errors?.[0]?.extensions?.code ?? 'OK';
}

describe('serving /admin', () => {
  it('sends the page with a strict CSP, no caching of the document, and revalidated assets', async () => {
    const response = await fetch(`${origin}/admin`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const csp = response.headers.get('content-security-policy')!;
    for (const directive of ["default-src 'none'", "script-src 'self'", "style-src 'self'", "connect-src 'self'", "frame-ancestors 'none'", "form-action 'none'"]) {
      expect(csp).toContain(directive);
    }
    expect(csp).not.toContain('unsafe-inline');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('cache-control')).toBe('no-store');
    // No CORS header: the console is same-origin and CORS is for /graphql only.
    expect(response.headers.get('access-control-allow-origin')).toBeNull();

    const script = await fetch(`${origin}/admin/admin.js`);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(script.headers.get('cache-control')).toBe('no-cache');
    const etag = script.headers.get('etag')!;
    expect((await fetch(`${origin}/admin/admin.js`, { headers: { 'if-none-match': etag } })).status).toBe(304);
    expect((await fetch(`${origin}/admin/admin.css`)).headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect((await fetch(`${origin}/admin/nothing.js`)).status).toBe(404);
    expect((await fetch(`${origin}/admin/..%2Fpaths.ts`)).status).toBe(404);
  });
});

describe('the admin console in Chromium', () => {
  beforeEach(async () => {
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
    problems = watchPage(page);
  });

  afterEach(async () => {
    // Nothing the console does may leave the key (or anything) in browser storage.
    expect(await storageOf(page)).toEqual({ local: 0, session: 0, cookie: '' });
    expect(await context.cookies()).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('shows the API code for a bad key, a key that cannot read keys, and a change a read-only key may not make', async () => {
    await page.goto(`${origin}/admin`);
    await page.getByLabel('Admin API key').fill('sk_live_not-a-real-key');
    await page.getByRole('button', { name: 'Open console' }).click();
    await page.getByRole('alert').getByText('UNAUTHENTICATED').waitFor();

    const reader = await server.mintKey({ name: 'products reader', scopes: ['products:read'] });
    await page.getByLabel('Admin API key').fill(reader.secret);
    await page.getByRole('button', { name: 'Open console' }).click();
    await page.getByRole('alert').getByText('SCOPE_REQUIRED').waitFor();
    expect(await page.getByRole('alert').textContent()).toContain('keys:read');
    // Still on the key prompt, and the pasted key is not left in the field.
    expect(await page.getByLabel('Admin API key').inputValue()).toBe('');

    // keys:read without keys:write: the console opens read-only, and a change gets the API's refusal.
    const viewer = await server.mintKey({ name: 'key viewer', scopes: ['keys:read'] });
    await page.getByLabel('Admin API key').fill(viewer.secret);
    await page.getByRole('button', { name: 'Open console' }).click();
    await page.getByRole('heading', { name: 'API keys', level: 1 }).waitFor();
    await page.getByText('but not keys:write').waitFor();
    await keyRow(page, 'products reader').getByRole('button', { name: 'Revoke products reader' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Revoke key' }).click();
    const refusal = page.getByRole('alert');
    await refusal.getByText('SCOPE_REQUIRED').waitFor();
    expect(await refusal.textContent()).toContain('Missing: keys:write');
    expect(await codeOf(reader.secret, PRODUCTS)).toBe('OK');
  });

  it('creates a key by category, shows it once, edits, revokes and deletes it', async () => {
    await openConsole(page, origin, adminKey);
    await keyRow(page, 'console admin').waitFor();

    // Create: two whole categories through their "Select all".
    await page.getByRole('navigation').getByRole('button', { name: 'Create key' }).click();
    await page.getByRole('heading', { name: 'Create an API key' }).waitFor();
    await page.getByLabel('Name').fill('Booking website');
    await page.getByRole('group', { name: 'Catalog' }).getByRole('button', { name: 'Select all Catalog scopes', exact: true }).click();
    await page.getByRole('group', { name: 'Customers' }).getByRole('button', { name: 'Select all Customers scopes', exact: true }).click();
    await page.getByText('10 of 24 scopes selected').waitFor();
    expect(await page.getByRole('checkbox', { name: 'admin' }).isDisabled()).toBe(true);
    await page.getByLabel('Expires (optional)').fill('2031-06-01T12:00');
    await page.getByLabel('IP allowlist (optional)').fill('127.0.0.1\n::1');
    await page.getByRole('button', { name: 'Create key', exact: true }).last().click();

    // The secret, once, with the warning and a working copy button.
    await page.getByRole('heading', { name: 'Key “Booking website” created' }).waitFor();
    await page.getByText('Copy this key now. It will not be shown again.').waitFor();
    const secret = await page.getByLabel('Your new API key').inputValue();
    expect(secret).toMatch(/^sk_live_[0-9A-Za-z]{38}$/);
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
    await page.getByRole('button', { name: 'Copy key' }).click();
    await page.getByText('Copied to the clipboard.').waitFor();
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(secret);

    // The key works over HTTP, within its two categories only.
    expect(await codeOf(secret, PRODUCTS)).toBe('OK');
    expect(await codeOf(secret, CUSTOMERS)).toBe('OK');
    expect(await codeOf(secret, BOOKINGS)).toBe('SCOPE_REQUIRED');

    await page.getByRole('button', { name: 'I have copied it' }).click();
    await keyRow(page, 'Booking website').waitFor();
    expect(await pageText(page)).not.toContain(secret);
    await page.evaluate(`navigator.clipboard.writeText('')`);

    // A reload forgets the admin key too; signed in again, the secret is nowhere.
    await page.reload();
    await page.getByLabel('Admin API key').waitFor();
    await openConsole(page, origin, adminKey);
    const row = keyRow(page, 'Booking website');
    expect(await row.textContent()).toContain(secret.slice(0, 12));
    await row.getByRole('button', { name: 'Booking website', exact: true }).click();
    await page.getByRole('heading', { name: 'Booking website', level: 1 }).waitFor();
    expect(await pageText(page)).not.toContain(secret);

    // Edit: swap Customers for Bookings; the same secret keeps working with the new scopes.
    await page.getByRole('button', { name: 'Edit', exact: true }).click();
    await page.getByRole('heading', { name: 'Edit “Booking website”' }).waitFor();
    expect(await page.getByLabel('Name').inputValue()).toBe('Booking website');
    expect(await page.getByRole('checkbox', { name: 'customers:delete' }).isChecked()).toBe(true);
    expect(await page.getByLabel('IP allowlist (optional)').inputValue()).toContain('127.0.0.1');
    await page.getByRole('button', { name: 'Deselect all Customers scopes' }).click();
    await page.getByRole('button', { name: 'Select all Bookings scopes', exact: true }).click();
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Changes to “Booking website” saved').waitFor();
    expect(await codeOf(secret, BOOKINGS)).toBe('OK');
    expect(await codeOf(secret, CUSTOMERS)).toBe('SCOPE_REQUIRED');
    expect(await codeOf(secret, PRODUCTS)).toBe('OK');

    // Revoke: Escape cancels the dialog, then a confirmed revoke takes effect at once.
    await page.getByRole('button', { name: 'Revoke', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Revoke “Booking website”?' });
    await dialog.waitFor();
    expect((await focusedElement(page)).name).toBe('Cancel');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    expect((await focusedElement(page)).name).toBe('Revoke');
    expect(await codeOf(secret, PRODUCTS)).toBe('OK');
    await page.getByRole('button', { name: 'Revoke', exact: true }).click();
    await dialog.getByRole('button', { name: 'Revoke key' }).click();
    await page.getByText('Key “Booking website” revoked.').waitFor();
    expect(await page.locator('.fact', { hasText: 'Status' }).textContent()).toContain('Revoked');
    expect(await codeOf(secret, PRODUCTS)).toBe('KEY_REVOKED');

    // Delete from the list.
    await page.getByRole('navigation').getByRole('button', { name: 'API keys' }).click();
    await keyRow(page, 'Booking website').getByRole('button', { name: 'Delete Booking website' }).click();
    await page.getByRole('dialog', { name: 'Delete “Booking website”?' }).getByRole('button', { name: 'Delete key' }).click();
    await page.getByText('Key “Booking website” deleted.').waitFor();
    expect(await keyRow(page, 'Booking website').count()).toBe(0);
    expect(await codeOf(secret, PRODUCTS)).toBe('UNAUTHENTICATED');
  });

  it('creates a key with the keyboard alone', async () => {
    await openConsole(page, origin, adminKey);
    await page.getByRole('navigation').getByRole('button', { name: 'Create key' }).click();
    await page.getByRole('heading', { name: 'Create an API key' }).waitFor();

    const focused = () => focusedElement(page);
    const tabTo = async (match: (el: FocusedElement) => boolean) => {
      for (let i = 0; i < 120; i++) {
        await page.keyboard.press('Tab');
        const el = await focused();
        if (match(el)) return el;
      }
      throw new Error('Tab never reached the element');
    };

    // Focus starts on the screen's heading; the next stop is the name.
    await page.keyboard.press('Tab');
    expect((await focused()).tag).toBe('INPUT');
    await page.keyboard.type('Keyboard only');
    const selectAll = await tabTo((el) => el.name === 'Select all Reports scopes');
    expect(selectAll.outline).not.toBe('none'); // the focus is visible
    await page.keyboard.press('Enter');
    await tabTo((el) => el.type === 'checkbox' && el.value === 'webhooks:read');
    await page.keyboard.press('Space');
    await tabTo((el) => el.tag === 'BUTTON' && el.name === 'Create key' && el.type === 'submit');
    await page.keyboard.press('Enter');

    await page.getByRole('heading', { name: 'Key “Keyboard only” created' }).waitFor();
    const secret = await page.getByLabel('Your new API key').inputValue();
    const { body } = await server.graphql('{ viewer { effectiveScopes } }', { key: secret });
    expect(body.data!.viewer.effectiveScopes).toEqual(['reports:read', 'webhooks:read']);
  });

  it('shows a key’s request log and unused-scope report', async () => {
    const { id, secret } = await server.mintKey({ name: 'Reporting', scopes: ['products:read', 'customers:read', 'reports:read'] });
    await server.graphql('query ListProducts { products(first: 5) { edges { node { id name } } } }', { key: secret });
    await server.graphql('query TryBookings { bookings(first: 5) { edges { node { id } } } }', { key: secret });
    await waitForLogs(id, 2);

    await openConsole(page, origin, adminKey);
    await keyRow(page, 'Reporting').getByRole('button', { name: 'Reporting', exact: true }).click();
    await page.getByRole('heading', { name: 'Request log' }).waitFor();
    const log = page.locator('.log-table tbody tr');
    expect(await log.count()).toBe(2);
    expect(await log.nth(0).textContent()).toContain('TryBookings');
    expect(await log.nth(0).textContent()).toContain('SCOPE_REQUIRED');
    expect(await log.nth(1).textContent()).toContain('ListProducts');
    expect(await log.nth(1).textContent()).toContain('OK');

    // The unused-scope report (ApiKey.scopeUsage): products:read was needed, the rest never.
    const used = page.getByRole('group', { name: 'Used', exact: true });
    await used.waitFor();
    expect(await used.textContent()).toContain('products:read');
    const unused = await page.getByRole('group', { name: 'Unused', exact: true }).textContent();
    expect(unused).toContain('customers:read');
    expect(unused).toContain('reports:read');
    expect(await page.getByRole('group', { name: 'Suggested scopes', exact: true }).textContent()).toContain('products:read');
  });

  it('fits a phone-width screen on every main screen', async () => {
    const { id, secret } = await server.mintKey({ name: 'Phone check', bundles: ['accounting_sync'], ipAllowlist: ['127.0.0.1', '::1'] });
    await server.graphql('query AccountingExport { bookings(first: 100) { edges { node { reference totalCents } } } }', { key: secret });
    await waitForLogs(id, 1);
    await page.setViewportSize({ width: 390, height: 844 });
    const fits = async (screen: string) => {
      const { scrollWidth, innerWidth } = await widths(page);
      expect({ screen, scrollWidth: Math.min(scrollWidth, innerWidth) }).toEqual({ screen, scrollWidth });
    };
    await page.goto(`${origin}/admin`);
    await page.getByLabel('Admin API key').waitFor();
    await fits('key prompt');
    await openConsole(page, origin, adminKey);
    await fits('key list');
    await keyRow(page, 'Phone check').getByRole('button', { name: 'Phone check', exact: true }).click();
    await page.getByRole('heading', { name: 'Request log' }).waitFor();
    await page.getByRole('cell', { name: /AccountingExport/ }).waitFor();
    await fits('key details');
    await page.getByRole('navigation').getByRole('button', { name: 'Create key' }).click();
    await page.getByRole('heading', { name: 'Create an API key' }).waitFor();
    await fits('create form');
    await page.getByRole('navigation').getByRole('button', { name: 'Policies' }).click();
    await page.getByRole('heading', { name: 'Scope policies' }).waitFor();
    await fits('policies');
    expect(await page.getByRole('cell', { name: /Full access/ }).count()).toBeGreaterThan(0);
  });
});

/** Request log rows are written a moment after the response: waits until the key has `count`. */
async function waitForLogs(id: number, count: number): Promise<void> {
  const query = 'query ($id: ID!) { node(id: $id) { ... on ApiKey { requestLogs(first: 10) { edges { node { at } } } } } }';
  const deadline = Date.now() + 10_000;
  for (;;) {
    await server.app.services.requestLogs.flush();
    const { body } = await server.graphql(query, { key: adminKey, variables: { id: toGlobalId('ApiKey', id) } });
    if (body.data?.node?.requestLogs.edges.length >= count) return;
    if (Date.now() > deadline) throw new Error(`the request log never reached ${count} rows: ${JSON.stringify(body)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
