import type { Page } from '@playwright/test';
import { expect } from './serve';

/** The path of a URL (to match API responses). */
export const apiPath = (url: string): string => new URL(url).pathname;

/**
 * Opens the UI and waits until it is live: the first page of events is loaded and the push
 * stream is attached on the server (its response headers are written after the client is
 * registered), so a webhook sent from now on must show up without a reload.
 */
export async function openUi(page: Page, url: string, receiverUrl: string): Promise<void> {
  const stream = page.waitForResponse((r) => apiPath(r.url()) === '/api/stream' && r.ok());
  const list = page.waitForResponse((r) => apiPath(r.url()) === '/api/listEvents' && r.ok());
  await page.goto(url);
  await Promise.all([stream, list]);
  await expect(page.getByTestId('receiver-url')).toHaveText(receiverUrl);
}

/** The text on the clipboard of the page's browser (needs the clipboard-read permission). */
export function readClipboard(page: Page): Promise<string> {
  return page.evaluate('navigator.clipboard.readText()') as Promise<string>;
}
