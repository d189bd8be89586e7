import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** Debian's Chromium with software WebGL (SwiftShader): no GPU on these machines. */
export const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

/** A Content-Security-Policy violation seen on a page (or in one of its frames). */
export interface CspViolation {
  page: string;
  directive: string;
  blocked: string;
  source: string;
  sample: string;
}

const violationsOf = new WeakMap<Browser, CspViolation[]>();
const allowedOn = new WeakMap<Page | BrowserContext, RegExp[]>();

/**
 * Chromium for the browser tests, every page watched for Content-Security-Policy violations
 * (`securitypolicyviolation` events in every frame, and Chromium's own "Content Security
 * Policy" console errors, which also cover workers and refused frames). `browser.close()`
 * fails when any was seen, so every browser test holds the strict CSP without asking; a test
 * that provokes a violation on purpose says so with `allowCspViolations`.
 */
export async function launchBrowser(): Promise<Browser> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--use-angle=swiftshader',
      '--enable-unsafe-swiftshader',
      '--ignore-gpu-blocklist',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  const violations: CspViolation[] = [];
  violationsOf.set(browser, violations);
  const record = (owner: Page | BrowserContext, violation: CspViolation): void => {
    const context = 'context' in owner ? owner.context() : owner;
    const allowed = [...(allowedOn.get(owner) ?? []), ...(allowedOn.get(context) ?? [])];
    if (!allowed.some((pattern) => pattern.test(`${violation.directive} ${violation.blocked} ${violation.sample}`))) violations.push(violation);
  };
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (...args) => {
    const context = await newContext(...args);
    await context.exposeBinding('__cimTwinCspViolation', ({ page }, violation: Omit<CspViolation, 'page'>) => record(page, { page: page.url(), ...violation }));
    await context.addInitScript(() => {
      addEventListener(
        'securitypolicyviolation',
        (event) => {
          const report = (window as unknown as { __cimTwinCspViolation?: (v: object) => void }).__cimTwinCspViolation;
          report?.({ directive: event.effectiveDirective, blocked: event.blockedURI, source: `${event.sourceFile}:${event.lineNumber}`, sample: event.sample });
        },
        true,
      );
    });
    const watchConsole = (page: Page): void => {
      page.on('console', (message) => {
        if (message.type() === 'error' && /Content.Security.Policy/i.test(message.text()))
          record(page, { page: page.url(), directive: 'console', blocked: '', source: message.location().url, sample: message.text() });
      });
    };
    context.pages().forEach(watchConsole);
    context.on('page', watchConsole);
    return context;
  };
  const close = browser.close.bind(browser);
  browser.close = async (...args) => {
    await close(...args);
    if (violations.length)
      throw new Error(
        `${violations.length} Content-Security-Policy violation(s):\n` +
          violations.map((v) => `  ${v.page}: ${v.directive} blocked ${v.blocked || '(inline)'} at ${v.source} ${v.sample}`).join('\n'),
      );
  };
  return browser;
}

/** The CSP violations seen so far (a test may assert on them before the end). */
export function cspViolations(browser: Browser): readonly CspViolation[] {
  return violationsOf.get(browser) ?? [];
}

/** A page or context that provokes violations on purpose (a refused frame): those matching `pattern` are not failures. */
export function allowCspViolations(owner: Page | BrowserContext, pattern: RegExp): void {
  allowedOn.set(owner, [...(allowedOn.get(owner) ?? []), pattern]);
}
