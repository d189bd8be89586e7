import { clockTimeAt, type ClockState } from '../../workers/formats/history.js';
import type { Incident } from '../../workers/formats/incident.js';
import { fetchHistoryTimeline } from '../../viewer/src/platform/historyApi.js';
import { watch, type ViewerStore } from '../../viewer/src/platform/ViewerStore.js';
import type { IncidentClient } from './IncidentClient.js';
import type { IncidentsStore } from './incidentsState.js';

/**
 * Incidents follow the viewer's clock: in a replay the store holds the incidents as they were
 * at the replay's time (`GET /api/incidents?at=`), loaded on each seek and again whenever the
 * playing replay passes an incident change (the timeline's marks after it); back to live it
 * holds the current ones again. (The live feed is not applied during a replay: see the plugin.)
 */
export function followClock(viewer: ViewerStore, incidents: IncidentsStore, client: IncidentClient, apiBase: string, layerId: string | undefined): () => void {
  /** Answers to an older request than the last are dropped (a seek overtook them). */
  let generation = 0;
  /** Times of incident changes still ahead of the replay, earliest first. */
  let ahead: number[] = [];

  const show = async (load: () => Promise<Incident[]>): Promise<void> => {
    const mine = ++generation;
    try {
      const list = await load();
      if (mine !== generation) return;
      incidents.getState().replaceAll(list);
      // A selected incident is described again, as it was then (or as absent, before it was opened).
      const selection = viewer.getState().selection;
      if (selection && selection.tileset === layerId) viewer.getState().select({ ...selection });
    } catch (error) {
      if (mine === generation) incidents.getState().setMessage((error as Error).message);
    }
  };
  const loadAt = (time: number): Promise<void> => show(() => client.listAt(new Date(time).toISOString()));
  const loadMarksAfter = async (time: number): Promise<void> => {
    const mine = generation;
    try {
      const timeline = await fetchHistoryTimeline(apiBase, time, Math.max(time + 1, Date.now()), 1);
      if (mine === generation)
        ahead = timeline.incidents
          .map((mark) => mark.time)
          .filter((t) => t > time)
          .sort((a, b) => a - b);
    } catch {
      ahead = []; // without marks the replay still shows the incidents at each seek
    }
  };

  const follow = (clock: ClockState, previous: ClockState | undefined): void => {
    const now = Date.now();
    if (clock.mode === 'live') {
      ahead = [];
      if (previous?.mode === 'replay') void show(() => client.list());
      return;
    }
    const time = clockTimeAt(clock, now);
    // A pause or a new speed leaves the time where it was: nothing to load.
    if (previous?.mode === 'replay' && Math.abs(clockTimeAt(previous, now) - time) < 1000) return;
    void loadAt(time).then(() => loadMarksAfter(time));
  };
  const stop = watch(viewer, (s) => s.clock, follow);
  if (viewer.getState().clock.mode === 'replay') follow(viewer.getState().clock, undefined); // opened on a replay link

  const timer = setInterval(() => {
    const clock = viewer.getState().clock;
    if (clock.mode !== 'replay' || !clock.playing || ahead[0] === undefined) return;
    const time = clockTimeAt(clock, Date.now());
    if (ahead[0] > time) return;
    ahead = ahead.filter((t) => t > time);
    void loadAt(time);
  }, 500);
  return () => {
    generation++;
    clearInterval(timer);
    stop();
  };
}
