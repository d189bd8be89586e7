import type { UiContext } from '../../../viewer/src/platform/UiContext.js';
import { h } from '../../../viewer/src/platform/h.js';
import { watchAny } from '../../../viewer/src/platform/ViewerStore.js';
import type { AlarmEntry, LiveStore } from '../sensorsState.js';

/**
 * Open alarms, unacknowledged first, newest first within each; acknowledge, or click to fly
 * there. Shown in planner and wall mode alike (on the wall, large, on the right). In a replay
 * it lists the alarms as they were at the replay's time, each with the time of its replayed
 * reading; nothing is acknowledged or opened from the past.
 */
export function mountAlarmList(parent: HTMLElement, ui: UiContext, live: LiveStore, layerId: string): () => void {
  const root = h('aside', { id: 'alarms', className: 'panel', attrs: { 'aria-live': 'assertive' } });
  parent.append(root);

  function item(alarm: AlarmEntry, language: string, replaying: boolean): HTMLElement {
    const time = new Date(alarm.time).toLocaleTimeString(language === 'en' ? 'en-GB' : 'zh-CN', { hour12: false });
    return h(
      'li',
      { className: alarm.acknowledged ? 'acknowledged' : 'open', attrs: { 'data-datastream': String(alarm.datastream) } },
      h(
        'button',
        {
          className: 'alarm-go',
          attrs: { type: 'button' },
          on: { click: () => void ui.commands.goToFeature({ tileset: layerId, id: String(alarm.datastream) }, { duration: 1.5 }) },
        },
        h('span', { className: 'alarm-name' }, alarm.name),
        h('span', { className: 'alarm-detail' }, `${language === 'en' ? alarm.typeEn : alarm.typeZh} · ${alarm.value} ${alarm.unit} · ${time}`),
      ),
      // What other plugins offer for this sensor (open an incident from it): not from a replay.
      ...(replaying ? [] : ui.actionsFor({ tileset: layerId, id: String(alarm.datastream) })).map((action) =>
        h('button', { className: 'alarm-action', attrs: { type: 'button', 'data-action': action.id }, on: { click: () => void action.run() } }, action.label),
      ),
      ...(replaying
        ? []
        : [
            alarm.acknowledged
              ? h('span', { className: 'alarm-acked' }, ui.t('alarms.acked'))
              : h(
                  'button',
                  { className: 'alarm-ack', attrs: { type: 'button' }, on: { click: () => live.getState().acknowledgeAlarm(alarm.datastream) } },
                  ui.t('alarms.ack'),
                ),
          ]),
    );
  }

  function render(): void {
    const { alarms, connection, replay } = live.getState();
    const { language } = ui.store.getState();
    root.hidden = connection === 'off';
    const sorted = [...alarms].sort((a, b) => Number(a.acknowledged) - Number(b.acknowledged) || b.time - a.time);
    const open = sorted.filter((a) => !a.acknowledged).length;
    root.classList.toggle('has-open', open > 0);
    root.classList.toggle('replay', replay !== null);
    root.replaceChildren(
      h('h2', {}, `${ui.t('alarms.title')} (${open})`),
      sorted.length ? h('ul', {}, ...sorted.slice(0, 50).map((a) => item(a, language, replay !== null))) : h('p', { className: 'hint' }, ui.t('alarms.none')),
    );
  }
  render();
  const stops = [
    watchAny(live, [(s) => s.alarms, (s) => s.connection === 'off', (s) => s.replay === null], render),
    watchAny(ui.store, [(s) => s.language], render),
  ];
  return () => {
    stops.forEach((stop) => stop());
    root.remove();
  };
}
