import { watchAny } from '../state/createViewerStore.js';
import { h } from './h.js';
import type { UiContext } from './UiContext.js';

/**
 * The status strip (tiles, features, frame time, recoveries) and, in wall mode, the clock and
 * the tour state. Updated once a second: nothing per frame.
 */
export function mountStatusBar(parent: HTMLElement, ui: UiContext): () => void {
  const { store } = ui;
  const clock = h('time', { id: 'wall-clock' });
  const status = h('div', { id: 'status', attrs: { role: 'status' } });
  const note = h('span', { id: 'data-note' });
  const connection = h('span', { id: 'live-connection', attrs: { role: 'status' } });
  const root = h('footer', { id: 'status-bar' }, clock, connection, status, note);
  parent.append(root);

  function tick(): void {
    const state = store.getState();
    const now = new Date();
    clock.textContent = now.toLocaleString(state.language === 'en' ? 'en-GB' : 'zh-CN', { hour12: false });
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
    const { live } = state;
    const since = new Date(live.since).toLocaleTimeString(state.language === 'en' ? 'en-GB' : 'zh-CN', { hour12: false });
    connection.dataset['state'] = live.connection;
    connection.textContent =
      live.connection === 'off'
        ? ui.t('live.off')
        : [
            ui.t(`live.${live.connection}`, { since }),
            ui.t('live.sensors', { count: live.sensors }),
            ui.t('live.rate', { rate: live.messagesPerSecond }),
            // How old what the wall shows is: the figure a duty officer asks about first.
            ...(live.ageAtRenderMs ? [ui.t('live.age', { ms: Number.isFinite(live.ageAtRenderMs.p95) ? live.ageAtRenderMs.p95 : '>10000' })] : []),
          ].join(' · ');
    note.textContent = ui.t('app.dataNote');
  }
  tick();
  const timer = setInterval(tick, 1000);
  // The connection indicator changes at once, not at the next second.
  const stop = watchAny(store, [(s) => s.language, (s) => s.live.connection], tick);
  return () => {
    clearInterval(timer);
    stop();
    root.remove();
  };
}
