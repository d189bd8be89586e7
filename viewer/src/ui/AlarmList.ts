import { watchAny } from '../state/createViewerStore.js';
import type { AlarmEntry } from '../state/ViewerState.js';
import { h } from './h.js';
import type { UiContext } from './UiContext.js';

/**
 * Open alarms, unacknowledged first, newest first within each; acknowledge, or click to fly
 * there. Shown in planner and wall mode alike (a button, not a hover).
 */
export function mountAlarmList(parent: HTMLElement, ui: UiContext): () => void {
  const { store } = ui;
  const root = h('aside', { id: 'alarms', className: 'panel', attrs: { 'aria-live': 'assertive' } });
  parent.append(root);

  function item(alarm: AlarmEntry, language: string): HTMLElement {
    const time = new Date(alarm.time).toLocaleTimeString(language === 'en' ? 'en-GB' : 'zh-CN', { hour12: false });
    return h(
      'li',
      { className: alarm.acknowledged ? 'acknowledged' : 'open', attrs: { 'data-datastream': String(alarm.datastream) } },
      h(
        'button',
        { className: 'alarm-go', attrs: { type: 'button' }, on: { click: () => void ui.commands.showSensor(alarm.datastream, alarm.lon, alarm.lat) } },
        h('span', { className: 'alarm-name' }, alarm.name),
        h('span', { className: 'alarm-detail' }, `${language === 'en' ? alarm.typeEn : alarm.typeZh} · ${alarm.value} ${alarm.unit} · ${time}`),
      ),
      alarm.acknowledged
        ? h('span', { className: 'alarm-acked' }, ui.t('alarms.acked'))
        : h(
            'button',
            { className: 'alarm-ack', attrs: { type: 'button' }, on: { click: () => store.getState().acknowledgeAlarm(alarm.datastream) } },
            ui.t('alarms.ack'),
          ),
    );
  }

  function render(): void {
    const { live, language } = store.getState();
    root.hidden = live.connection === 'off';
    const alarms = [...live.alarms].sort((a, b) => Number(a.acknowledged) - Number(b.acknowledged) || b.time - a.time);
    root.replaceChildren(
      h('h2', {}, `${ui.t('alarms.title')} (${alarms.filter((a) => !a.acknowledged).length})`),
      alarms.length ? h('ul', {}, ...alarms.slice(0, 50).map((a) => item(a, language))) : h('p', { className: 'hint' }, ui.t('alarms.none')),
    );
  }
  render();
  const stop = watchAny(store, [(s) => s.live.alarms, (s) => s.language, (s) => s.live.connection === 'off'], render);
  return () => {
    stop();
    root.remove();
  };
}
