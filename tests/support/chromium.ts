import { type Browser, chromium } from 'playwright-core';

/**
 * Debian's headless Chromium (never a downloaded browser), with the flags that keep it off the
 * network: background networking, component updates and sync would each try to reach Google.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
