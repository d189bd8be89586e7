import type { UiContext } from '../platform/UiContext.js';
import { h } from '../platform/h.js';
import { watchAny } from '../platform/ViewerStore.js';

/**
 * The status strip (tiles, features, frame time, recoveries) and, in wall mode, the clock and
 * the tour state. Updated once a second: nothing per frame.
 */
export function mountStatusBar(parent: HTMLElement, ui: UiContext): { plugins: HTMLElement; destroy(): void } {
  const { store } = ui;
  const clock = h('time', { id: 'wall-clock' });
  const status = h('div', { id: 'status', attrs: { role: 'status' } });
  const note = h('span', { id: 'data-note' });
  // Plugins put their items here (the live feed's connection).
  const plugins = h('span', { className: 'status-plugins' });
  const root = h('footer', { id: 'status-bar' }, clock, plugins, status, note);
  parent.append(root);

  function tick(): void {
    const state = store.getState();
    const now = new Date();
    const nowText = now.toLocaleString(state.language === 'en' ? 'en-GB' : 'zh-CN', { hour12: false });
    // In a replay the timeline's badge carries the time the wall shows; the real time stays, labelled and subdued, so it is never read as the data's.
    const replaying = state.clock.mode === 'replay';
    clock.textContent = replaying ? ui.t('status.wallNow', { time: nowText }) : nowText;
    clock.classList.toggle('in-replay', replaying);
    clock.dateTime = now.toISOString();
    const stats = ui.commands.stats();
    const parts = [
      stats.tilesLoaded ? ui.t('status.ready') : ui.t('status.loading'),
      ui.t('status.tiles', { count: stats.tiles }),
      ui.t('status.features', { count: stats.featuresVisible.toLocaleString() }),
      ui.t('status.frame', { ms: stats.frameTimeMs.toFixed(1) }),
    ];
    if (stats.recoveries) parts.push(ui.t('status.recovered', { count: stats.recoveries }));
    if (state.mode === 'wall' && state.tour.running) parts.push(ui.t('status.tour'));
    status.textContent = parts.join(' · ');
    note.textContent = ui.text(ui.config.dataNote, '');
  }
  tick();
  const timer = setInterval(tick, 1000);
  const stop = watchAny(store, [(s) => s.language, (s) => s.mode, (s) => s.clock], tick);
  return {
    plugins,
    destroy: () => {
      clearInterval(timer);
      stop();
      root.remove();
    },
  };
}
