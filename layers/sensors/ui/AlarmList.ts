import type { UiContext } from '../../../viewer/src/platform/UiContext.js';
import { h } from '../../../viewer/src/platform/h.js';
import { watchAny } from '../../../viewer/src/platform/ViewerStore.js';
import type { ServerAlarms } from '../ServerAlarms.js';
import type { AlarmEntry, LiveStore } from '../sensorsState.js';

/**
 * Open alarms, unacknowledged first, newest first within each; each with its start ("since",
 * from the server) and who acknowledged it; acknowledge (an operator or admin signed in; the
 * button says why not otherwise), or click to fly there. Shown in planner and wall mode alike
 * (on the wall, large, on the right). In a replay it lists the alarms as they were at the
 * replay's time, each with the time of its replayed reading and the acknowledgements made by
 * then; nothing is acknowledged or opened from the past.
 */
export function mountAlarmList(parent: HTMLElement, ui: UiContext, live: LiveStore, layerId: string, server: ServerAlarms): () => void {
  const root = h('aside', { id: 'alarms', className: 'panel', attrs: { 'aria-live': 'assertive' } });
  parent.append(root);

  function item(alarm: AlarmEntry, language: string, replaying: boolean): HTMLElement {
    const locale = language === 'en' ? 'en-GB' : 'zh-CN';
    const time = new Date(alarm.time).toLocaleTimeString(locale, { hour12: false });
    const hhmm = (ms: number): string => new Date(ms).toLocaleTimeString(locale, { hour12: false, hour: '2-digit', minute: '2-digit' });
    const refusal = server.refusal();
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
        ...(alarm.since !== null ? [h('span', { className: 'alarm-since' }, ui.t('alarms.since', { time: hhmm(alarm.since) }))] : []),
      ),
      // What other plugins offer for this sensor (open an incident from it): not from a replay.
      ...(replaying ? [] : ui.actionsFor({ tileset: layerId, id: String(alarm.datastream) })).map((action) =>
        h('button', { className: 'alarm-action', attrs: { type: 'button', 'data-action': action.id }, on: { click: () => void action.run() } }, action.label),
      ),
      // Who acknowledged it (in a replay: by the replay's time), as text.
      ...(alarm.acknowledged
        ? [
            h(
              'span',
              { className: 'alarm-acked', attrs: alarm.acknowledged.note ? { title: alarm.acknowledged.note } : {} },
              ui.t('alarms.ackedBy', { user: alarm.acknowledged.by, time: hhmm(alarm.acknowledged.at) }),
            ),
          ]
        : replaying
          ? []
          : [
              h(
                'button',
                {
                  className: 'alarm-ack',
                  attrs: {
                    type: 'button',
                    ...(refusal ? { disabled: '', title: ui.t(`alarms.ackRefused.${refusal}`) } : { title: ui.t('alarms.ackTitle') }),
                  },
                  on: {
                    click: (event) => {
                      const button = event.currentTarget as HTMLButtonElement;
                      button.disabled = true;
                      server.acknowledge(alarm.datastream).catch((error: unknown) => {
                        button.disabled = false;
                        button.title = ui.t('alarms.ackFailed', { reason: error instanceof Error ? error.message : String(error) });
                        button.classList.add('failed');
                      });
                    },
                  },
                },
                ui.t('alarms.ack'),
              ),
            ]),
    );
  }

  function render(): void {
    const { alarms, connection, replay } = live.getState();
    const { language } = ui.store.getState();
    root.hidden = connection === 'off';
    const sorted = [...alarms].sort((a, b) => Number(a.acknowledged !== null) - Number(b.acknowledged !== null) || b.time - a.time);
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
    watchAny(server.signIn, [(s) => s.session?.role], render),
    watchAny(ui.store, [(s) => s.language], render),
  ];
  return () => {
    stops.forEach((stop) => stop());
    root.remove();
  };
}
