/**
 * What `<cim-twin>` must do before the viewer's modules run, when its script comes from
 * another server than the host page (a cockpit on its own origin): imported first by
 * cimTwinElement.ts.
 *
 * - (Cesium's workers and assets: app/cesiumBaseUrl.ts resolves their base against its own
 *   module's address, the viewer's server.)
 * - A module worker cannot be constructed from another origin's URL. Our workers
 *   (`new Worker(new URL(…, import.meta.url))`) are started through a same-origin blob that
 *   imports the real script, as Cesium does for its own; the page's `Worker` is wrapped for
 *   cross-origin URLs only, which would otherwise throw.
 */
export const VIEWER_SERVER_ROOT = new URL(/* @vite-ignore */ '../', import.meta.url).href;

const crossOrigin = new URL(VIEWER_SERVER_ROOT).origin !== location.origin;

const WRAPPED = Symbol.for('cim-twin.crossOriginWorker');
if (crossOrigin && !(WRAPPED in window.Worker)) {
  const NativeWorker = window.Worker;
  /** One blob per worker script, kept for the page's life (a few bytes each, no growth per mount). */
  const trampolines = new Map<string, string>();
  const trampolineFor = (href: string): string => {
    let url = trampolines.get(href);
    if (!url) trampolines.set(href, (url = URL.createObjectURL(new Blob([`import ${JSON.stringify(href)};`], { type: 'text/javascript' }))));
    return url;
  };
  class CrossOriginWorker extends NativeWorker {
    static readonly [WRAPPED] = true;
    constructor(script: string | URL, options?: WorkerOptions) {
      const url = new URL(String(script), location.href);
      const foreign = url.origin !== location.origin && url.protocol !== 'blob:' && url.protocol !== 'data:';
      super(foreign ? trampolineFor(url.href) : script, foreign ? { ...options, type: 'module' } : options);
    }
  }
  window.Worker = CrossOriginWorker;
}
