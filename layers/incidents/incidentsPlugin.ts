import { INCIDENT_STATES, type Incident, type IncidentState } from '../../workers/formats/incident.js';
import { emergencyLevel, GBT35561_CATEGORIES } from '../../workers/standards/gbt35561.js';
import { definePlugin } from '../../viewer/src/platform/LayerPlugin.js';
import type { UiContext } from '../../viewer/src/platform/UiContext.js';
import { watch } from '../../viewer/src/platform/ViewerStore.js';
import en from './i18n.en.json';
import zhCN from './i18n.zh-CN.json';
import { IncidentClient } from './IncidentClient.js';
import { IncidentFeed } from './IncidentFeed.js';
import { footprintCentre } from './incidentGeometry.js';
import { IncidentsLayer } from './IncidentsLayer.js';
import { createIncidentsStore, type IncidentImpact, type IncidentsStore, type Session } from './incidentsState.js';
import { mountIncidentCard } from './ui/IncidentCard.js';
import { mountIncidentList } from './ui/IncidentList.js';

export interface IncidentsState {
  store: IncidentsStore;
  client: IncidentClient;
  feed: IncidentFeed | undefined;
}

/** The page API's `incidents` part (documented in docs/emergency.md). */
export interface IncidentsPageApi {
  signIn(username: string, password: string): Promise<Omit<Session, 'token'>>;
  incidents: {
    list(): Incident[];
    get(id: string): Incident | null;
    fromAlarm(datastream: number): Promise<Incident>;
    transition(id: string, to: IncidentState): Promise<Incident>;
    impact(id: string): Promise<IncidentImpact | null>;
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
  createState: ({ config, baseUrl, events }) => {
    const store = createIncidentsStore(config.live !== undefined);
    const apiBase = config.live?.apiUrl || new URL(baseUrl).origin;
    const client = new IncidentClient(apiBase, () => store.getState().session);
    const feed = config.live
      ? new IncidentFeed({
          mqttUrl: absoluteMqttUrl(config.live.mqttUrl, baseUrl),
          loadAll: () => client.list(),
          onConnection: (connection) => store.getState().setConnection(connection),
          onIncident: (incident, change) => {
            const known = store.getState().incidents[incident.id];
            store.getState().upsert(incident);
            if (!known || known.version < incident.version)
              events.emit('incident', { id: incident.id, change, state: incident.state, level: incident.classification.level, headline: incident.headline });
          },
        })
      : undefined;
    feed?.start();
    return { store, client, feed };
  },
  destroyState: (state) => state.feed?.stop(),
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
    const stops = [
      mountIncidentList(slots.right, ui, state.store, state.client, layerId),
      followSelection(ui, state, layerId),
      wallTakeover(ui, state, layerId),
    ];
    return () => stops.forEach((stop) => stop());
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
            await ui.commands.goToFeature({ tileset: layerId, id: incident.id }, { duration: 1.5 });
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
          const impact = state.store.getState().impact;
          return impact?.incidentId === id ? structuredClone(impact) : null;
        },
      },
    };
    return api as unknown as Record<string, never>;
  },
});

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
          if (ui.store.getState().mode !== 'wall' || !open || (level?.id !== 'I' && level?.id !== 'II')) continue;
          state.store.getState().setTakeover(incident.id);
          ui.store.getState().setTour(false);
          void ui.commands.goToFeature({ tileset: layerId, id: incident.id }, { duration: 2 });
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
