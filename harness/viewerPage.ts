import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { CimTwinApi } from '../viewer/src/app/createPageApi.js';
import type { Role } from '../workers/formats/dataAccess.js';
import { signTestToken } from './roleTokens.js';

export type { CimTwinApi };

/** The page's window as tests see it: the page API, and the flag a markup canary would set if it ran. */
export type Win = { cimTwin: CimTwinApi; __cimTwinInjected?: number };
/** Where browser tests leave screenshots. */
export const ARTIFACTS = join(import.meta.dirname, '../test-results');

/**
 * How a test's viewer signs in: a role (a token for the account named after it on a test server,
 * harness/roleTokens.ts), a token, or `null` for none (public). The default, `internal`, sees
 * every pipe category and sensor and may not act (acknowledge, lead), as the demo viewer's
 * start-up sign-in: tests not about roles keep their meaning.
 */
export type ViewerSignIn = { role: Role } | { token: string } | null;

/** A viewer page with its console problems collected (errors, failed requests, HTTP errors). */
export async function openViewer(
  browser: Browser,
  url: string,
  viewport = { width: 800, height: 500 },
  signIn: ViewerSignIn = { role: 'internal' },
): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport });
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('requestfailed', (request) => {
    // Cancelled on purpose, not failed: tile requests the camera no longer needs (Cesium), and a
    // replay's history read that a seek or the return to live made stale (ReplaySensorSource), and
    // a pipe's served attributes when the selection moves on before they arrive (the info panel).
    if (request.failure()?.errorText === 'net::ERR_ABORTED' && /\/tiles\/|\/api\/history\/|\/api\/pipes\//.test(request.url())) return;
    problems.push(`request failed: ${request.url()} (${request.failure()?.errorText})`);
  });
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`);
  });
  // Handed over in the fragment, as a host hands it to the embed: never in a request line.
  const token = signIn === null ? undefined : 'token' in signIn ? signIn.token : signIn.role === 'public' ? undefined : await signTestToken(signIn.role);
  // Without a token the page reads as public: the demo server's sign-in would otherwise give it the internal role.
  if (!token) await page.addInitScript(() => sessionStorage.setItem('cim-twin.demoRole', 'public'));
  await page.goto(token ? `${url.split('#')[0]}#token=${encodeURIComponent(token)}` : url);
  await page.waitForFunction(() => 'cimTwin' in window, null, { timeout: 120_000 });
  await page.evaluate(() => (window as unknown as { cimTwin: CimTwinApi }).cimTwin.ready);
  return { page, problems };
}

/** The panels the layout tests keep apart: the toolbar, every panel, the legend, the status strip and the timeline. */
export const LAYOUT_BOXES = '#toolbar, .panel, #legend, #status-bar, #timeline';

/** The visible boxes matching `selectors` (by id), and every pair of them that overlaps. */
export async function overlaps(page: Page, selectors: string = LAYOUT_BOXES): Promise<{ boxes: Record<string, number[]>; overlapping: string[] }> {
  return page.evaluate((selectors) => {
    const boxes: Record<string, number[]> = {};
    for (const element of document.querySelectorAll<HTMLElement>(selectors)) {
      const r = element.getBoundingClientRect();
      if (element.hidden || r.width === 0 || r.height === 0 || getComputedStyle(element).display === 'none') continue;
      boxes[element.id] = [r.left, r.top, r.right, r.bottom];
    }
    const ids = Object.keys(boxes);
    const overlapping: string[] = [];
    for (let i = 0; i < ids.length; i++)
      for (let j = i + 1; j < ids.length; j++) {
        const [a, b] = [boxes[ids[i]!]!, boxes[ids[j]!]!];
        if (a[0]! < b[2]! - 0.5 && b[0]! < a[2]! - 0.5 && a[1]! < b[3]! - 0.5 && b[1]! < a[3]! - 0.5) overlapping.push(`${ids[i]} × ${ids[j]}`);
      }
    return { boxes, overlapping };
  }, selectors);
}
