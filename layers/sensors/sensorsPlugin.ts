import { readTokenOf } from '../../viewer/src/platform/SignInStore.js';
import { definePlugin } from '../../viewer/src/platform/LayerPlugin.js';
import type { UiContext } from '../../viewer/src/platform/UiContext.js';
import en from './i18n.en.json';
import zhCN from './i18n.zh-CN.json';
import { SENSOR_TYPES } from '../../workers/live/sensorTypes.js';
import { createLiveStore, liveSnapshot, type SensorsState } from './sensorsState.js';
import { ServerAlarms } from './ServerAlarms.js';
import { SensorsLayer } from './SensorsLayer.js';
import { mountAlarmList } from './ui/AlarmList.js';
import { mountLiveStatus } from './ui/LiveStatus.js';
import { mountSensorChart } from './ui/SensorChart.js';
import { watch } from '../../viewer/src/platform/ViewerStore.js';
import { clockTimeAt } from '../../workers/formats/history.js';

/** The broker's WebSocket URL: a path means the page's own origin. */
function absoluteMqttUrl(url: string, baseUrl: string): string {
  if (/^wss?:\/\//.test(url)) return url;
  const base = new URL(baseUrl);
  return `${base.protocol === 'https:' ? 'wss' : 'ws'}://${base.host}${url.startsWith('/') ? '' : '/'}${url}`;
}

/** Sensor type names in both languages, from the type table (the info panel's "sensor type" value). */
const typeNames = (language: 'nameZh' | 'nameEn'): Record<string, string> => Object.fromEntries(SENSOR_TYPES.map((t) => [t.id, t[language]]));

/**
 * Live IoT sensors: the layer (worker, points, clusters, alarms), the alarm list and the
 * status-strip item, the last-hour chart under a selected sensor, and `live` in the page API.
 * Without a live feed in the config (CIM_LIVE=off) it draws nothing and says so.
 */
export const sensorsPlugin = definePlugin<SensorsState>({
  kind: 'sensors',
  messages: {
    'zh-CN': { ...zhCN, values: { ...zhCN.values, sensorType: typeNames('nameZh') } },
    en: { ...en, values: { ...en.values, sensorType: typeNames('nameEn') } },
  },
  createState: ({ config, baseUrl, signIn, store }) => {
    const live = createLiveStore(config.live ? 'connecting' : 'off');
    const server = config.live
      ? new ServerAlarms({
          apiUrl: config.live.apiUrl || new URL(baseUrl).origin,
          mqttUrl: absoluteMqttUrl(config.live.mqttUrl, baseUrl),
          live,
          signIn,
          viewer: store,
        })
      : undefined;
    return { live, catalogue: undefined, server, signIn };
  },
  createLayer: (definition, context, state) => {
    const live = context.config.live;
    if (definition.kind !== 'sensors' || !live) return undefined;
    const feed = { ...live, mqttUrl: absoluteMqttUrl(live.mqttUrl, context.baseUrl), apiUrl: live.apiUrl || new URL(context.baseUrl).origin };
    return new SensorsLayer(definition, context, state, feed);
  },
  locate: async ({ catalogue }, _layerId, featureId) => {
    const i = catalogue?.ids.indexOf(Number(featureId)) ?? -1;
    return catalogue && i >= 0 ? { lon: catalogue.lon[i]!, lat: catalogue.lat[i]!, height: 0 } : undefined;
  },
  mountUi: (ui, slots, state) => {
    const layer = firstSensorsLayer(ui);
    if (!layer) return () => undefined;
    const server = state.server;
    if (!server) return mountLiveStatus(slots.statusStrip, ui, state.live);
    server.start();
    const stops = [mountAlarmList(slots.right, ui, state.live, layer, server), mountLiveStatus(slots.statusStrip, ui, state.live), () => server.stop()];
    return () => stops.forEach((stop) => stop());
  },
  mountDetail: (ui, container, feature, state) => {
    const live = ui.config.live;
    if (feature.tileset !== firstSensorsLayer(ui) || !live) return undefined;
    const apiUrl = live.apiUrl || new URL(ui.baseUrl).origin;
    const catalogue = state.catalogue;
    const i = catalogue?.ids.indexOf(Number(feature.id)) ?? -1;
    if (!catalogue || i < 0) return undefined;
    const type = catalogue.types[catalogue.type[i]!]!;
    const datastream = Number(feature.id);
    const closeChart = mountSensorChart(container, {
      apiUrl,
      token: () => readTokenOf(state.signIn.getState()),
      datastream,
      warning: type.thresholds.warning,
      alarm: type.thresholds.alarm,
      unit: type.unit,
      title: ui.t('chart.title'),
      titleAround: (time) =>
        ui.t('chart.around', { time: new Date(time).toLocaleString(ui.store.getState().language === 'en' ? 'en-GB' : 'zh-CN', { hour12: false }) }),
      width: Math.max(260, container.clientWidth - 24),
      follow: (listener) =>
        watch(
          state.live,
          (s) => s.selectedReading,
          (reading) => reading && reading.datastream === datastream && listener(reading.time, reading.value),
        ),
      // In a replay the chart is centred on the clock's time; the worker's replay progress moves its cursor.
      replayTime: () => {
        const clock = ui.store.getState().clock;
        return clock.mode === 'replay' ? clockTimeAt(clock, Date.now()) : undefined;
      },
      onReplayTime: (listener) => {
        const stops = [watch(ui.store, (s) => s.clock, listener), watch(state.live, (s) => s.replay?.time, listener)];
        return () => stops.forEach((stop) => stop());
      },
      onResync: (listener) =>
        watch(
          state.live,
          (s) => s.connection,
          (now, before) => now === 'live' && before !== 'connecting' && listener(),
        ),
    });
    // The value and state rows follow the live feed (their text only).
    const stopRows = watch(
      state.live,
      (s) => s.selectedReading,
      (reading) => {
        if (!reading || reading.datastream !== datastream) return;
        const value = container.querySelector('tr[data-field="value"] td');
        if (value) value.textContent = String(Math.round(reading.value * 1000) / 1000);
        const stateCell = container.querySelector('tr[data-field="state"] td');
        const words = ui.t(`values.state.${reading.state}`, undefined, reading.state);
        if (stateCell) stateCell.textContent = words === reading.state ? words : `${words} (${reading.state})`;
      },
    );
    return () => {
      stopRows();
      closeChart();
    };
  },
  snapshot: (state) => ({ live: liveSnapshot(state.live.getState()) }),
  statsOf: (state) => {
    const live = state.live.getState();
    return {
      live: {
        state: live.replay ? 'replay' : live.connection,
        sensors: live.sensors,
        alarms: live.alarms.length,
        messagesPerSecond: live.messagesPerSecond,
        ageAtRenderMs: live.ageAtRenderMs,
        drawn: live.drawn,
      },
    };
  },
  pageApi: (state) => ({
    // The signed-in operator's acknowledgement, stored and shown on every screen (a Promise of the server's record).
    acknowledgeAlarm: (datastream: number) =>
      state.server ? state.server.acknowledge(datastream) : Promise.reject(new Error('no live sensors in this viewer: no alarms to acknowledge')),
  }),
  destroyState: (state) => state.server?.stop(),
});

function firstSensorsLayer(ui: UiContext): string | undefined {
  return ui.config.layers.find((l) => l.kind === 'sensors')?.id;
}
