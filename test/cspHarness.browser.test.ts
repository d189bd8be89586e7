import { describe, expect, it } from 'vitest';
import { allowCspViolations, cspViolations, launchBrowser } from '../harness/launchBrowser.js';

/** The harness every browser test runs on fails on a Content-Security-Policy violation, in any frame, unless the test allowed it. */
describe('the browser harness watches the CSP', () => {
  it('records an inline script a page’s policy refuses, and browser.close() fails', async () => {
    const browser = await launchBrowser();
    const page = await browser.newPage();
    await page.setContent(
      `<meta http-equiv="Content-Security-Policy" content="script-src 'none'"><script>window.ran = 1</script>` +
        `<iframe srcdoc="<meta http-equiv='Content-Security-Policy' content=&quot;script-src 'none'&quot;><script>1</script>"></iframe>`,
    );
    await page.waitForTimeout(300);
    expect(await page.evaluate(() => (window as unknown as { ran?: number }).ran)).toBeUndefined();
    // The page's and the frame's refusals (each as an event and as Chromium's console error).
    expect(cspViolations(browser).filter((v) => v.directive === 'script-src-elem').length).toBe(2);
    await expect(browser.close()).rejects.toThrow(/Content-Security-Policy violation/);
  });

  it('a violation the test provokes on purpose is not a failure', async () => {
    const browser = await launchBrowser();
    const page = await browser.newPage();
    allowCspViolations(page, /script-src/);
    await page.setContent(`<meta http-equiv="Content-Security-Policy" content="script-src 'none'"><script>1</script>`);
    await page.waitForTimeout(300);
    expect(cspViolations(browser)).toEqual([]);
    await browser.close();
  });
});
