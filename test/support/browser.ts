import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

const CHROMIUM_PATHS = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

export function chromiumPath(): string | undefined {
  return [process.env.CHROMIUM_PATH, ...CHROMIUM_PATHS].find((p): p is string => !!p && fs.existsSync(p));
}

/** Headless Chromium from the system (Debian package `chromium`), with the flags this closed network needs. */
export function launchChromium(executablePath: string): Promise<Browser> {
  return chromium.launch({
    executablePath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}

/**
 * Collects what a page reports wrong into `errors`: console errors, uncaught exceptions, failed requests. The
 * optional custom loading page node-red-dashboard asks for (ui/loading.html) is nobody's to provide.
 */
export function watchPage(page: Page, label: string, errors: string[]): void {
  page.on('console', (message) => {
    if (message.type() === 'error' && !/status of 404/.test(message.text())) errors.push(`${label}: ${message.text()}`);
  });
  // Where it was thrown, so an error from the page's own scripts can be told from one of a node's editor or widget.
  page.on('pageerror', (error) => errors.push(`${label}: ${error.message}${error.stack ? ` (${error.stack.split('\n').slice(1, 3).map((l) => l.trim()).join(' ')})` : ''}`));
  page.on('requestfailed', (request) => errors.push(`${label}: failed ${request.url()}: ${request.failure()?.errorText ?? ''}`));
  page.on('response', (response) => {
    if (response.status() >= 400 && !response.url().endsWith('/ui/loading.html')) errors.push(`${label}: ${response.status()} ${response.url()}`);
  });
}

/** A dashboard user's name and password, for a page that logs in (README "Dashboard logins"). */
export interface DashboardLogin {
  username: string;
  password: string;
}

/**
 * Opens a node-red-dashboard tab by its index and waits for its title; what goes wrong on it lands in `errors`. With
 * `login`, the page is a browser of its own that logs in as that user; `viewport` is the window's size in CSS pixels.
 */
export async function openDashboardTab(browser: Browser, baseUrl: string, index: number, name: string, errors: string[], login?: DashboardLogin,
  viewport: { width: number; height: number } = { width: 1500, height: 1200 }): Promise<Page> {
  const page = await browser.newPage({ viewport, httpCredentials: login });
  watchPage(page, `tab ${name}`, errors);
  await page.goto(`${baseUrl}/ui/#!/${index}`, { timeout: 90000 });
  // Generous: on a loaded machine a dashboard tab has been seen to take more than 30 s to draw its title.
  await page.waitForSelector(`.md-toolbar-tools >> text=${name}`, { timeout: 90000 });
  return page;
}

/** A full-page screenshot into TWIN_SCREENSHOTS, when it is set, to look at after the run. */
export async function screenshot(page: Page, name: string): Promise<void> {
  const folder = process.env.TWIN_SCREENSHOTS;
  if (folder) await page.screenshot({ path: path.join(folder, `${name}.png`), fullPage: true });
}
