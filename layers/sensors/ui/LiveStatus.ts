import type { UiContext } from '../../../viewer/src/platform/UiContext.js';
import { h } from '../../../viewer/src/platform/h.js';
import { watchAny } from '../../../viewer/src/platform/ViewerStore.js';
import type { LiveStore } from '../sensorsState.js';

/**
 * The live feed's item in the status strip: connection, sensors, rate, and how old what is
 * shown is — or, in a replay, 'Replay' and the time the sensors show (never 'Live').
 */
export function mountLiveStatus(parent: HTMLElement, ui: UiContext, live: LiveStore): () => void {
  const item = h('span', { id: 'live-connection', attrs: { role: 'status' } });
  parent.append(item);

  function render(): void {
    const state = live.getState();
    const { language } = ui.store.getState();
    const clockTime = (ms: number): string => new Date(ms).toLocaleTimeString(language === 'en' ? 'en-GB' : 'zh-CN', { hour12: false });
    item.dataset['state'] = state.replay ? 'replay' : state.connection;
    if (state.connection === 'off') {
      item.textContent = ui.t('live.off');
      return;
    }
    if (state.replay) {
      item.dataset['replayTime'] = new Date(state.replay.time).toISOString();
      item.textContent = [
        ui.t(state.replay.loading ? 'live.replayLoading' : 'live.replay', { time: clockTime(state.replay.time) }),
        ui.t('live.sensors', { count: state.sensors }),
      ].join(' · ');
      return;
    }
    delete item.dataset['replayTime'];
    item.textContent = [
      ui.t(`live.${state.connection}`, { since: clockTime(state.since) }),
      ui.t('live.sensors', { count: state.sensors }),
      ui.t('live.rate', { rate: state.messagesPerSecond }),
      // How old what the wall shows is: the figure a duty officer asks about first.
      ...(state.ageAtRenderMs ? [ui.t('live.age', { ms: Number.isFinite(state.ageAtRenderMs.p95) ? state.ageAtRenderMs.p95 : '>10000' })] : []),
    ].join(' · ');
  }
  render();
  const stops = [
    watchAny(live, [(s) => s.connection, (s) => s.since, (s) => s.sensors, (s) => s.messagesPerSecond, (s) => s.ageAtRenderMs, (s) => s.replay], render),
    watchAny(ui.store, [(s) => s.language], render),
  ];
  return () => {
    stops.forEach((stop) => stop());
    item.remove();
  };
}
