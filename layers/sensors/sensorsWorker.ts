import type { LiveFeedConfig } from '../../workers/formats/viewerConfig.js';
import type { LiveStateDocument } from '../../workers/formats/liveState.js';
import type { ClockState } from '../../workers/formats/history.js';
import { serveWorkerRequests } from '../../workers/protocol/serveWorkerRequests.js';
import type { SensorFrameMessage, SensorsStart } from '../../workers/protocol/WorkerRequests.js';
import { LiveSensorSource } from './LiveSensorSource.js';
import { ReplaySensorSource } from './ReplaySensorSource.js';
import { SensorsModel } from './SensorsModel.js';

/**
 * The sensors layer's Web Worker: MQTT, parsing, ordering, thresholds and staleness happen
 * here; the main thread pulls one packed frame of changes per animation frame. A thin wrapper
 * over LiveSensorSource, ReplaySensorSource and SensorsModel, serving the `sensors.*` requests
 * of the message map. It follows the viewer's clock: live, the feed; replay, the history API
 * (the MQTT connection stays up, its messages are ignored until the clock is live again).
 */
const model = new SensorsModel();
let feed: LiveFeedConfig | undefined;
/** The sign-in's bearer token (none: public): kept here, sent only to the server's own APIs and broker. */
let token: string | undefined;
/** Bumped when the state names other sensors (another role's, a new catalogue): the layer reloads the metadata. */
let catalogue = 0;
let source: LiveSensorSource | undefined;
let replay: ReplaySensorSource | undefined;
/** Back from a replay: what the replay showed stays until the live state replaces it whole. */
let awaitingLiveState = false;
let connection: SensorFrameMessage['connection'] = { state: 'connecting', since: Date.now() };
let metadata: LiveStateDocument | undefined;
let rate = 0;
let lastCount = 0;
let sweep: ReturnType<typeof setInterval> | undefined;

const showingLive = (): boolean => !replay && !awaitingLiveState;

serveWorkerRequests<'sensors'>({
  'sensors.start': ({ token: signedIn, ...config }: SensorsStart) => {
    feed = config;
    token = signedIn;
    source?.stop();
    clearInterval(sweep);
    connection = { state: 'connecting', since: Date.now() };
    source = new LiveSensorSource({
      ...config,
      ...(signedIn ? { token: signedIn } : {}),
      onObservation: (id, time, result) => showingLive() && model.observe(id, time, result, Date.now()),
      onState: (doc) => {
        const catalogueChanged = model.catalogueDiffers(doc);
        if (catalogueChanged) catalogue++;
        metadata = doc;
        if (replay) {
          // The catalogue is needed to replay; the live values are not shown.
          if (catalogueChanged) {
            model.applyState(doc, Date.now());
            replay.reload(Date.now());
          }
          return;
        }
        if (awaitingLiveState) model.forget();
        awaitingLiveState = false;
        model.applyState(doc, Date.now());
      },
      onConnection: (state, since) => (connection = { state, since }),
    });
    source.start();
    sweep = setInterval(() => {
      if (showingLive()) model.sweepStale(Date.now());
      const count = model.receivedCount();
      rate = count - lastCount;
      lastCount = count;
    }, 1000);
  },
  'sensors.clock': (clock: ClockState) => {
    if (clock.mode === 'replay') {
      if (!replay) {
        if (!feed) throw new Error('sensors.clock before sensors.start');
        replay = new ReplaySensorSource({ apiUrl: feed.apiUrl, sink: model, token: () => token });
      }
      // Answered once the seek's state is in the model, with its frame: the layer applies it in the task the answer arrives in.
      return replay.follow(clock, Date.now()).then(takeFrame);
    }
    if (!replay) return;
    replay.stop();
    replay = undefined;
    awaitingLiveState = true;
    source?.reload();
  },
  'sensors.metadata': () => metadata,
  'sensors.takeFrame': () => takeFrame(),
});

/** The changes since the last frame taken, with the feed's status and the replay's progress. */
function takeFrame(): SensorFrameMessage {
  replay?.pump(Date.now());
  const progress = replay?.progress();
  return {
    buffer: model.takeFrame(),
    generation: model.generation,
    catalogue,
    connection,
    messagesPerSecond: rate,
    malformed: source?.malformed ?? 0,
    ...(progress ? { replay: { time: progress.time, loading: progress.loading } } : {}),
  };
}
