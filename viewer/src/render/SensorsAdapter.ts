import type { LiveFeed } from '../../../layers/sensors/LiveSensorSource.js';
import { SensorsLayer } from '../../../layers/sensors/SensorsLayer.js';
import { SENSOR_STATE_NAMES } from '../../../workers/live/alarmStateMachine.js';
import type { ViewerEvents } from '../api/ViewerEvents.js';
import { watch } from '../state/createViewerStore.js';
import type { LayerDefinition } from '../state/layerCatalog.js';
import type { AdapterContext, LayerAdapter } from './LayerAdapter.js';

/**
 * Plugs the live sensors layer (layers/sensors) into the viewer: its visibility follows the
 * store, its alarms and connection summary go into the store and out as `alarm` events.
 */
export class SensorsAdapter implements LayerAdapter {
  readonly id: string;
  readonly ready = Promise.resolve();
  readonly layer: SensorsLayer;
  private readonly stop: () => void;

  constructor(definition: LayerDefinition, context: AdapterContext, feed: LiveFeed, events: ViewerEvents) {
    this.id = definition.id;
    const { store } = context;
    this.layer = new SensorsLayer({
      scene: context.scene,
      requestRender: context.requestRender,
      feed,
      onAlarm: (alarm) => {
        store.getState().raiseAlarm(alarm);
        events.emit('alarm', { ...alarm, type: alarm.typeEn, time: new Date(alarm.time).toISOString() });
      },
      onAlarmCleared: (datastream) => store.getState().clearAlarm(datastream),
      onFollowedReading: (datastream, time, value, state) =>
        store.getState().setSelectedReading({ datastream, time, value, state: SENSOR_STATE_NAMES[state] ?? 'normal' }),
      onSummary: ({ state, since, sensors, messagesPerSecond, ageAtRenderMs, drawn }) =>
        store.getState().setLiveSummary({ connection: state, since, sensors, messagesPerSecond, ageAtRenderMs: ageAtRenderMs ?? null, drawn }),
    });
    const apply = (): void => {
      this.layer.show = store.getState().layers[this.id]?.visible ?? true;
    };
    apply();
    const follow = (): void => {
      const selection = store.getState().selection;
      const datastream = selection?.tileset === 'sensors' ? Number(selection.id) : undefined;
      this.layer.follow(datastream);
      if (store.getState().live.selectedReading?.datastream !== datastream) store.getState().setSelectedReading(null);
    };
    follow();
    const stops = [watch(store, (s) => s.layers[this.id], apply), watch(store, (s) => s.selection, follow)];
    this.stop = () => stops.forEach((stop) => stop());
  }

  destroy(): void {
    this.stop();
    this.layer.destroy();
  }
}

/** The broker's WebSocket URL: a path means this page's own origin. */
export function absoluteMqttUrl(url: string): string {
  if (/^wss?:\/\//.test(url)) return url;
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${url.startsWith('/') ? '' : '/'}${url}`;
}
