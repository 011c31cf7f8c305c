import fs from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

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
