import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

/**
 * Debian's Chromium, driven by playwright-core (`npx playwright install`
 * cannot download here). Missing Chromium is a failure, never a skip: .ci/run
 * installs it.
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM_PATH}: the admin console's browser tests need it. ` +
        'Install it with `apt-get install -y chromium` (.ci/run does), or set CHROMIUM_PATH.',
    );
  }
  // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--no-sandbox'] });
}

/** Opens /admin and pastes the key; resolves once the key list is showing. */
export async function openConsole(page: Page, origin: string, key: string): Promise<void> {
  await page.goto(`${origin}/admin`);
  await page.getByLabel('Admin API key').fill(key);
  await page.getByRole('button', { name: 'Open console' }).click();
  await page.getByRole('heading', { name: 'API keys', level: 1 }).waitFor();
}

/**
 * Collects what must never happen on the page: uncaught errors and CSP or
 * Trusted Types violations (an inline style or an innerHTML would show up here).
 */
export function watchPage(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (/Content Security Policy|requires 'Trusted(HTML|Script|ScriptURL)'/.test(message.text())) problems.push(`console: ${message.text()}`);
  });
  return problems;
}

/** A row of the key list, by the key's name. */
export function keyRow(page: Page, name: string) {
  return page.locator('tbody tr', { has: page.getByRole('button', { name, exact: true }) });
}

// Code run in the page is passed as strings: the test project's TypeScript has
// no DOM library (and adding one would change the globals of all server code).

/** What the page left in browser storage: all must stay empty. */
export function storageOf(page: Page): Promise<{ local: number; session: number; cookie: string }> {
  return page.evaluate('({ local: localStorage.length, session: sessionStorage.length, cookie: document.cookie })');
}

/** Everything the page holds as markup or in a field, to prove a secret is in none of it. */
export function pageText(page: Page): Promise<string> {
  return page.evaluate(`document.documentElement.outerHTML + [...document.querySelectorAll('input, textarea')].map((el) => el.value).join('\\n')`);
}

export interface FocusedElement {
  /** aria-label, else the text. */
  name: string;
  tag: string;
  type: string;
  value: string;
  outline: string;
}

export function focusedElement(page: Page): Promise<FocusedElement> {
  return page.evaluate(`(() => {
    const el = document.activeElement;
    return {
      name: el.getAttribute('aria-label') ?? el.textContent.trim(),
      tag: el.tagName,
      type: el.type ?? '',
      value: el.value ?? '',
      outline: getComputedStyle(el).outlineStyle,
    };
  })()`);
}

/** The page's width against the viewport's: a phone-width layout must not scroll sideways. */
export function widths(page: Page): Promise<{ scrollWidth: number; innerWidth: number }> {
  return page.evaluate('({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth })');
}
