import { clockTimeAt, type ClockState } from '../../workers/formats/history.js';
import type { Incident } from '../../workers/formats/incident.js';
import { fetchHistoryTimeline } from '../../viewer/src/platform/historyApi.js';
import { afterSeekShown } from '../../viewer/src/platform/seekFirst.js';
import { watch, type ViewerStore } from '../../viewer/src/platform/ViewerStore.js';
import type { IncidentClient } from './IncidentClient.js';
import type { IncidentsStore } from './incidentsState.js';

/**
 * Incidents follow the viewer's clock: in a replay the store holds the incidents as they were
 * at the replay's time (`GET /api/incidents?at=`), loaded on each seek and again whenever the
 * playing replay passes an incident change (the timeline's marks after it); back to live it
 * holds the current ones again. (The live feed is not applied during a replay: see the plugin.)
 */
export function followClock(
  viewer: ViewerStore,
  incidents: IncidentsStore,
  client: IncidentClient,
  apiBase: string,
  layerId: string | undefined,
  /** The viewer's read token: the marks are the incidents its role reads (none: the public's). */
  readToken: () => string | undefined = () => undefined,
): () => void {
  /** Answers to an older request than the last are dropped (a seek overtook them). */
  let generation = 0;
  /** Times of incident changes still ahead of the replay, earliest first. */
  let ahead: number[] = [];

  /** Shows what `load` answers unless a later seek (a newer `mine`) overtook it; `merge` adjusts the list to the store then. */
  const show = async (mine: number, load: () => Promise<Incident[]>, merge = (list: Incident[]): Incident[] => list): Promise<void> => {
    try {
      const list = await load();
      if (mine !== generation) return;
      incidents.getState().replaceAll(merge(list));
      // A selected incident is described again, as it was then (or as absent, before it was opened).
      const selection = viewer.getState().selection;
      if (selection && selection.tileset === layerId) viewer.getState().select({ ...selection });
    } catch (error) {
      if (mine === generation) incidents.getState().setMessage((error as Error).message);
    }
  };
  const loadAt = (time: number, mine: number): Promise<void> => show(mine, () => client.listAt(new Date(time).toISOString()));
  const loadMarksAfter = async (time: number, mine: number): Promise<void> => {
    try {
      const timeline = await fetchHistoryTimeline(apiBase, time, Math.max(time + 1, Date.now()), 1, readToken());
      if (mine === generation)
        ahead = timeline.incidents
          .map((mark) => mark.time)
          .filter((t) => t > time)
          .sort((a, b) => a - b);
    } catch {
      if (mine === generation) ahead = []; // without marks the replay still shows the incidents at each seek
    }
  };

  const follow = (clock: ClockState, previous: ClockState | undefined): void => {
    const now = Date.now();
    if (clock.mode === 'live') {
      if (previous?.mode !== 'replay') return;
      const mine = ++generation;
      ahead = [];
      // The live feed upserts while the list is on its way: what it brought must not be overwritten by an older version.
      const before = incidents.getState().incidents;
      void show(
        mine,
        () => client.list(),
        (list) => keepNewer(list, before, incidents.getState().incidents),
      );
      return;
    }
    const time = clockTimeAt(clock, now);
    // A pause or a new speed leaves the time where it was: nothing to load.
    if (previous?.mode === 'replay' && Math.abs(clockTimeAt(previous, now) - time) < 1000) return;
    // Taken now, not when the state answers: of two quick seeks only the later one's list and marks apply.
    const mine = ++generation;
    ahead = [];
    // After the seek's sensors are on screen (seekFirst); a later seek meanwhile asks instead.
    void afterSeekShown(viewer).then(async () => {
      if (mine === generation) await loadAt(time, mine).then(() => loadMarksAfter(time, mine));
    });
  };
  const stop = watch(viewer, (s) => s.clock, follow);
  if (viewer.getState().clock.mode === 'replay') follow(viewer.getState().clock, undefined); // opened on a replay link

  const timer = setInterval(() => {
    const clock = viewer.getState().clock;
    if (clock.mode !== 'replay' || !clock.playing || ahead[0] === undefined) return;
    const time = clockTimeAt(clock, Date.now());
    if (ahead[0] > time) return;
    ahead = ahead.filter((t) => t > time);
    void loadAt(time, ++generation);
  }, 500);
  return () => {
    generation++;
    clearInterval(timer);
    stop();
  };
}

/**
 * The current incidents (`list`) merged with those the live feed upserted into the store since
 * `before` was taken (an entry of `now` that is not the very object in `before`): per id the
 * higher `version` wins, and an incident only the feed knows is kept.
 */
export function keepNewer(list: readonly Incident[], before: Record<string, Incident>, now: Record<string, Incident>): Incident[] {
  const merged = new Map(list.map((incident) => [incident.id, incident]));
  for (const [id, incident] of Object.entries(now)) {
    if (before[id] === incident) continue; // what the replay showed, not a live upsert
    const listed = merged.get(id);
    if (!listed || listed.version < incident.version) merged.set(id, incident);
  }
  return [...merged.values()];
}
