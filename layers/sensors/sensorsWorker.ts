import type { LiveFeedConfig } from '../../workers/formats/viewerConfig.js';
import type { LiveStateDocument } from '../../workers/formats/liveState.js';
import { serveWorkerRequests } from '../../workers/protocol/serveWorkerRequests.js';
import type { SensorFrameMessage } from '../../workers/protocol/WorkerRequests.js';
import { LiveSensorSource } from './LiveSensorSource.js';
import { SensorsModel } from './SensorsModel.js';

/**
 * The sensors layer's Web Worker: MQTT, parsing, ordering, thresholds and staleness happen
 * here; the main thread pulls one packed frame of changes per animation frame. A thin wrapper
 * over LiveSensorSource and SensorsModel, serving the `sensors.*` requests of the message map.
 */
const model = new SensorsModel();
let source: LiveSensorSource | undefined;
let connection: SensorFrameMessage['connection'] = { state: 'connecting', since: Date.now() };
let metadata: LiveStateDocument | undefined;
let rate = 0;
let lastCount = 0;
let sweep: ReturnType<typeof setInterval> | undefined;

serveWorkerRequests<'sensors'>({
  'sensors.start': (feed: LiveFeedConfig) => {
    source?.stop();
    clearInterval(sweep);
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
    sweep = setInterval(() => {
      model.sweepStale(Date.now());
      const count = model.receivedCount();
      rate = count - lastCount;
      lastCount = count;
    }, 1000);
  },
  'sensors.metadata': () => metadata,
  'sensors.takeFrame': () => ({ buffer: model.takeFrame(), connection, messagesPerSecond: rate, malformed: source?.malformed ?? 0 }),
});
