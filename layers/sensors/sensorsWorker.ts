import { expose, transfer } from 'comlink';
import { type LiveConnectionState, type LiveFeed, LiveSensorSource, type LiveStateDocument } from './LiveSensorSource.js';
import { SensorsModel } from './SensorsModel.js';

/**
 * The sensors layer's Web Worker: MQTT, parsing, ordering, thresholds and staleness happen
 * here; the main thread pulls one packed frame of changes per animation frame. A thin wrapper
 * over LiveSensorSource and SensorsModel.
 */
const model = new SensorsModel();
let source: LiveSensorSource | undefined;
let connection: { state: LiveConnectionState; since: number } = { state: 'connecting', since: Date.now() };
let metadata: LiveStateDocument | undefined;
let rate = 0;
let lastCount = 0;

const api = {
  start(feed: LiveFeed): void {
    source?.stop();
    source = new LiveSensorSource({
      ...feed,
      onObservation: (id, time, result) => model.observe(id, time, result, Date.now()),
      onState: (doc) => {
        metadata = doc;
        model.applyState(doc, Date.now());
      },
      onConnection: (state, since) => (connection = { state, since }),
    });
    source.start();
    setInterval(() => {
      model.sweepStale(Date.now());
      const count = model.receivedCount();
      rate = count - lastCount;
      lastCount = count;
    }, 1000);
  },
  /** The catalogue (names, types, positions), once it has arrived. */
  metadata(): LiveStateDocument | undefined {
    return metadata;
  },
  /** Changes since the last call, transferred (not copied), with the connection's state. */
  takeFrame(): { buffer: ArrayBuffer; connection: typeof connection; messagesPerSecond: number; malformed: number } {
    const buffer = model.takeFrame();
    return transfer({ buffer, connection, messagesPerSecond: rate, malformed: source?.malformed ?? 0 }, [buffer]);
  },
};

export type SensorsWorkerApi = typeof api;
expose(api);
