import { INCIDENT_STATES, type Incident, type IncidentState } from '../../workers/formats/incident.js';
import { emergencyLevel, GBT35561_CATEGORIES } from '../../workers/standards/gbt35561.js';
import { definePlugin } from '../../viewer/src/platform/LayerPlugin.js';
import { readTokenOf } from '../../viewer/src/platform/SignInStore.js';
import type { UiContext } from '../../viewer/src/platform/UiContext.js';
import type { Emphasis } from '../../viewer/src/platform/ViewerState.js';
import { watch, watchAny, type ViewerStore } from '../../viewer/src/platform/ViewerStore.js';
import type { BurstImpactReport } from '../../workers/formats/burstImpactReport.js';
import type { IncidentImpactSources, IncidentsLayerDefinition } from '../../workers/formats/viewerConfig.js';
import { ImpactAnalyst } from './impact/ImpactAnalyst.js';
import { IMPACT_COLORS } from './impact/impactColors.js';
import en from './i18n.en.json';
import zhCN from './i18n.zh-CN.json';
import { IncidentClient } from './IncidentClient.js';
import { followClock } from './followClock.js';
import { IncidentFeed } from './IncidentFeed.js';
import { footprintCentre } from './incidentGeometry.js';
import { showIncident, type Docks } from './showIncident.js';
import { IncidentsLayer } from './IncidentsLayer.js';
import { createIncidentsStore, type IncidentImpact, type IncidentsStore, type Session } from './incidentsState.js';
import { mountIncidentCard } from './ui/IncidentCard.js';
import { mountIncidentList } from './ui/IncidentList.js';

export interface IncidentsState {
  store: IncidentsStore;
  client: IncidentClient;
  feed: IncidentFeed | undefined;
  /** Works out impacts in the analysis worker; undefined when the layer's config names no impact sources. */
  analyst: ImpactAnalyst | undefined;
  stops: (() => void)[];
  /** The docks, once the UI is mounted: an incident is framed beside them, not under them. */
  docks: Docks | undefined;
}

/** The page API's `incidents` part (documented in docs/emergency.md). */
export interface IncidentsPageApi {
  signIn(username: string, password: string): Promise<Omit<Session, 'token'>>;
  incidents: {
    list(): Incident[];
    get(id: string): Incident | null;
    fromAlarm(datastream: number): Promise<Incident>;
    transition(id: string, to: IncidentState): Promise<Incident>;
    /** Computes (or awaits) the impact of any incident; null when the incident does not exist or no impact sources are configured. */
    impact(id: string): Promise<IncidentImpact | null>;
  };
  analyze: {
    /** A burst on a water pipe (its id in the tiles): valves to close, what is isolated and cut off, buildings, facilities, sensors. */
    burst(pipeId: string): Promise<BurstImpactReport & { milliseconds: number }>;
  };
}

/** The broker's WebSocket URL: a path means the page's own origin. */
function absoluteMqttUrl(url: string, baseUrl: string): string {
  if (/^wss?:\/\//.test(url)) return url;
  const base = new URL(baseUrl);
  return `${base.protocol === 'https:' ? 'wss' : 'ws'}://${base.host}${url.startsWith('/') ? '' : '/'}${url}`;
}

/** Names of the GB/T 35561 categories, levels and the states, from the standard's table (one home). */
const standardNames = (language: 'nameZh' | 'nameEn'): object => ({
  emergencyCategory: Object.fromEntries(GBT35561_CATEGORIES.map((c) => [c.id, c[language]])),
});

/**
 * Emergency command: incidents as a layer (markers, footprints, the selected one's impact),
 * the incident list with sign-in, the incident card under a selected incident, opening an
 * incident from a sensor alarm, and on a wall a new level Ⅰ/Ⅱ incident taking the screen.
 */
export const incidentsPlugin = definePlugin<IncidentsState>({
  kind: 'incidents',
  messages: {
    'zh-CN': { ...zhCN, values: { ...zhCN.values, ...standardNames('nameZh') } },
    en: { ...en, values: { ...en.values, ...standardNames('nameEn') } },
  },
  createState: ({ config, baseUrl, events, store: viewerStore, workers, signIn, authHeaders }) => {
    const store = createIncidentsStore(config.live !== undefined);
    // A sign-in the viewer starts with (a host's token, or the account kept across a data-role reload) is this panel's too.
    const handedOver = signIn.getState().session;
    if (handedOver) store.getState().setSession(handedOver);
    // Its sign-in is the viewer's: other plugins (linked screens) write with the same token.
    store.subscribe((s, previous) => s.session !== previous.session && signIn.setState({ session: s.session }));
    const apiBase = config.live?.apiUrl || new URL(baseUrl).origin;
    const readToken = (): string | undefined => readTokenOf(signIn.getState());
    const client = new IncidentClient(apiBase, () => store.getState().session, readToken);
    const feed = config.live
      ? new IncidentFeed({
          mqttUrl: absoluteMqttUrl(config.live.mqttUrl, baseUrl),
          loadAll: () => client.list(),
          token: readToken,
          onConnection: (connection) => store.getState().setConnection(connection),
          onIncident: (incident, change) => {
            // A replay shows incidents as they were (followClock); live() loads the current ones again.
            if (viewerStore.getState().clock.mode === 'replay') return;
            const known = store.getState().incidents[incident.id];
            store.getState().upsert(incident);
            if (!known || known.version < incident.version)
              events.emit('incident', { id: incident.id, change, state: incident.state, level: incident.classification.level, headline: incident.headline });
          },
        })
      : undefined;
    feed?.start();
    const definition = config.layers.find((l): l is IncidentsLayerDefinition => l.kind === 'incidents');
    const analyst = definition?.impact ? new ImpactAnalyst(definition.impact, workers, baseUrl, config.live ? apiBase : null, authHeaders) : undefined;
    const stops = analyst
      ? [analyseSelected(store, analyst), emphasiseImpact(store, viewerStore, definition!.impact!), warmWhenNeeded(store, viewerStore, analyst)]
      : [];
    if (config.live) stops.push(followClock(viewerStore, store, client, apiBase, definition?.id, readToken));
    return { store, client, feed, analyst, stops, docks: undefined };
  },
  destroyState: (state) => {
    state.stops.forEach((stop) => stop());
    state.feed?.stop();
  },
  createLayer: (definition, context, state) => (definition.kind === 'incidents' ? new IncidentsLayer(definition, context, state.store) : undefined),
  locate: async (state, _layerId, featureId) => {
    const incident = state.store.getState().incidents[featureId] ?? (await state.client.get(featureId).catch(() => undefined));
    if (!incident) return undefined;
    const [lon, lat] = footprintCentre(incident.footprint);
    return { lon, lat, height: 0 };
  },
  search: async (state, query) => {
    const words = query.trim().toLowerCase();
    if (!words) return [];
    return Object.values(state.store.getState().incidents)
      .filter((i) => `${i.headline} ${i.event} ${i.id}`.toLowerCase().includes(words))
      .map((i) => {
        const [lon, lat] = footprintCentre(i.footprint);
        return { tileset: 'incidents', id: i.id, name: i.headline, address: i.event, lon, lat, height: 0, score: 60 };
      });
  },
  mountUi: (ui, slots, state) => {
    const layerId = incidentsLayerId(ui);
    if (!layerId) return () => undefined;
    state.docks = { overlay: slots.overlay, left: slots.left, right: slots.right };
    const stops = [
      mountIncidentList(slots.right, ui, state.store, state.client, layerId),
      followSelection(ui, state, layerId),
      wallTakeover(ui, state, layerId),
    ];
    return () => {
      stops.forEach((stop) => stop());
      state.docks = undefined;
    };
  },
  mountDetail: (ui, container, feature, state) =>
    feature.tileset === incidentsLayerId(ui) ? mountIncidentCard(container, ui, state.store, state.client, feature.id) : undefined,
  featureActions: (state, feature, ui) => {
    const sensors = ui.config.layers.find((l) => l.kind === 'sensors')?.id;
    const layerId = incidentsLayerId(ui);
    if (!layerId || feature.tileset !== sensors || ui.store.getState().mode === 'wall') return [];
    return [
      {
        id: 'open-incident',
        label: ui.t('incidents.fromAlarm'),
        run: async () => {
          if (!state.store.getState().session) return state.store.getState().setMessage(ui.t('incidents.signInFirst'));
          try {
            const incident = await state.client.fromAlarm(Number(feature.id));
            state.store.getState().upsert(incident);
            await showIncident(ui, layerId, incident, 1.5, state.docks);
          } catch (error) {
            state.store.getState().setMessage((error as Error).message);
          }
        },
      },
    ];
  },
  snapshot: (state) => {
    const s = state.store.getState();
    return {
      incidents: {
        count: Object.keys(s.incidents).length,
        selected: s.selected,
        takeover: s.takeover,
        signedIn: s.session?.username ?? null,
        connection: s.connection,
        /** What the map draws of the selected incident's impact. */
        drawn: s.drawn,
      },
    };
  },
  statsOf: (state) => {
    return {
      incidents: {
        /** The impact's sources: loading, ready (with ms, download included) or failed. */
        impactSources: state.analyst ? structuredClone(state.analyst.sources.status) : null,
      },
    };
  },
  pageApi: (state): Record<string, never> => {
    const api: IncidentsPageApi = {
      signIn: async (username, password) => {
        const session = await state.client.signIn(username, password);
        state.store.getState().setSession(session);
        return { username: session.username, role: session.role, expiresAt: session.expiresAt };
      },
      incidents: {
        list: () => Object.values(state.store.getState().incidents).map((i) => structuredClone(i)),
        get: (id) => structuredClone(state.store.getState().incidents[id] ?? null),
        fromAlarm: async (datastream) => {
          const incident = await state.client.fromAlarm(datastream);
          state.store.getState().upsert(incident);
          return incident;
        },
        transition: async (id, to) => {
          if (!INCIDENT_STATES.includes(to)) throw new Error(`no incident state "${to}"`);
          const incident = await state.client.transition(id, to);
          state.store.getState().upsert(incident);
          return incident;
        },
        impact: async (id) => {
          const incident = state.store.getState().incidents[id] ?? (await state.client.get(id).catch(() => undefined));
          if (!incident || !state.analyst) return null;
          return structuredClone(await state.analyst.impactOf(incident));
        },
      },
      analyze: {
        burst: async (pipeId) => {
          if (!state.analyst) throw new Error('no water network is configured for the incidents layer (impact.network)');
          const { report, milliseconds } = await state.analyst.burst(pipeId);
          return { ...structuredClone(report), milliseconds };
        },
      },
    };
    return api as unknown as Record<string, never>;
  },
});

/**
 * The selected incident's impact: worked out when it is selected and again when its footprint
 * or assets change; an answer for an incident no longer selected is dropped.
 */
function analyseSelected(incidents: IncidentsStore, analyst: ImpactAnalyst): () => void {
  const stop = watchAny(incidents, [(s) => s.selected, (s) => (s.selected ? s.incidents[s.selected] : undefined)], () => {
    const { selected, incidents: all } = incidents.getState();
    const incident = selected ? all[selected] : undefined;
    if (!incident) return;
    void analyst.impactOf(incident).then(show);
  });
  const show = (impact: IncidentImpact): void => {
    if (incidents.getState().selected === impact.incidentId) incidents.getState().setImpact(impact);
  };
  analyst.onProgress = show;
  return () => {
    stop();
    analyst.onProgress = undefined;
  };
}

/** Loads the impact's sources once someone may ask: an operator signed in, a wall, an open incident. */
function warmWhenNeeded(incidents: IncidentsStore, viewer: ViewerStore, analyst: ImpactAnalyst): () => void {
  let warmed = false;
  const check = (): void => {
    if (warmed) return;
    const { session, incidents: all } = incidents.getState();
    const open = Object.values(all).some((i) => i.state !== 'closed' && i.state !== 'cancelled');
    if (!session && !open && viewer.getState().mode !== 'wall') return;
    warmed = true;
    analyst.warm();
  };
  const stops = [watchAny(incidents, [(s) => s.session, (s) => s.incidents], check), watch(viewer, (s) => s.mode, check)];
  check();
  return () => stops.forEach((stop) => stop());
}

/** Tints what the selected impact affects in the tileset layers (the platform's feature emphasis); cleared with the impact. */
function emphasiseImpact(incidents: IncidentsStore, viewer: ViewerStore, sources: IncidentImpactSources): () => void {
  const owner = 'incidents.impact';
  const stop = watch(
    incidents,
    (s) => s.impact,
    (impact) => {
      const list: Emphasis[] = [];
      if (impact && sources.buildingsLayer) {
        const facilities = impact.criticalFacilities.flatMap((f) => (f.building ? [f.building] : []));
        if (facilities.length) list.push({ layer: sources.buildingsLayer, ids: facilities, color: IMPACT_COLORS.facilities });
        if (impact.buildings.length) list.push({ layer: sources.buildingsLayer, ids: impact.buildings, color: IMPACT_COLORS.buildings });
      }
      if (impact && sources.networkLayer) {
        if (impact.isolatedEdges.length) list.push({ layer: sources.networkLayer, ids: impact.isolatedEdges, color: IMPACT_COLORS.isolated });
        if (impact.cutOffEdges.length) list.push({ layer: sources.networkLayer, ids: impact.cutOffEdges, color: IMPACT_COLORS.cutOff });
      }
      viewer.getState().setEmphasis(owner, list);
    },
  );
  return () => {
    stop();
    viewer.getState().setEmphasis(owner, []);
  };
}

function incidentsLayerId(ui: UiContext): string | undefined {
  return ui.config.layers.find((l) => l.kind === 'incidents')?.id;
}

/** The plugin's selected incident follows the viewer's selection; looking at one stops its pulse. */
function followSelection(ui: UiContext, state: IncidentsState, layerId: string): () => void {
  return watch(
    ui.store,
    (s) => s.selection,
    (selection) => {
      const id = selection?.tileset === layerId ? selection.id : null;
      state.store.getState().select(id);
      if (id) state.store.getState().markSeen(id);
    },
  );
}

/**
 * On a wall a new level Ⅰ or Ⅱ incident takes the screen — the tour stops, the camera flies
 * there and its card opens — until an operator releases it (the card's button, or the API).
 */
function wallTakeover(ui: UiContext, state: IncidentsState, layerId: string): () => void {
  const seen = new Set(Object.keys(state.store.getState().incidents));
  const stops = [
    watch(
      state.store,
      (s) => s.incidents,
      (incidents) => {
        for (const incident of Object.values(incidents)) {
          if (seen.has(incident.id)) continue;
          seen.add(incident.id);
          const level = emergencyLevel(incident.classification.level);
          const open = incident.state !== 'closed' && incident.state !== 'cancelled';
          // Not in a replay: what happened then is reviewed, it does not take the screen again.
          if (ui.store.getState().mode !== 'wall' || ui.store.getState().clock.mode === 'replay' || !open || (level?.id !== 'I' && level?.id !== 'II'))
            continue;
          state.store.getState().setTakeover(incident.id);
          ui.store.getState().setTour(false);
          void showIncident(ui, layerId, incident, 2, state.docks);
        }
      },
    ),
    watch(
      state.store,
      (s) => s.takeover,
      (takeover, previous) => {
        if (takeover === null && previous !== null && ui.store.getState().mode === 'wall') ui.store.getState().setTour(true);
      },
    ),
  ];
  return () => stops.forEach((stop) => stop());
}
