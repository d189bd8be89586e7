import { EMERGENCY_LEVELS, type EmergencyLevel } from '../../../workers/standards/gbt35561.js';
import { OPEN_INCIDENT_STATES } from '../../../workers/formats/incident.js';
import type { CimTwinApi } from '../app/createPageApi.js';
import { h } from '../platform/h.js';
import type { UiContext } from '../platform/UiContext.js';
import { watch } from '../platform/ViewerStore.js';
import './cockpit.css';

/** The cockpit's figures, each null when the viewer has no such layer. */
export interface CockpitFigures {
  /** Sensors in the alarm state now (or at the replay's time). */
  alarms: number | null;
  /** Open incidents by GB/T 35561 level. */
  incidents: Record<EmergencyLevel, number> | null;
  /** The district's occupied share of reporting parking spaces, 0–1 (null while none reports). */
  parkingOccupancy: number | null;
}

/** Read through the page API, so the cockpit knows no plugin's internals (each part only where its layer is). */
export function cockpitFigures(api: CimTwinApi): CockpitFigures {
  const state = api.getState() as { live?: { alarms?: unknown[] } };
  const extensions = api as unknown as {
    incidents?: { list(): { state: string; classification: { level: EmergencyLevel } }[] };
    parking?: { kpis?(): { district: { occupancy: number | null } } };
  };
  let incidents: CockpitFigures['incidents'] = null;
  if (extensions.incidents) {
    incidents = { I: 0, II: 0, III: 0, IV: 0 };
    for (const incident of extensions.incidents.list())
      if ((OPEN_INCIDENT_STATES as readonly string[]).includes(incident.state)) incidents[incident.classification.level]++;
  }
  return {
    alarms: state.live?.alarms ? state.live.alarms.length : null,
    incidents,
    parkingOccupancy: extensions.parking?.kpis?.().district.occupancy ?? null,
  };
}

/** How often the tile's figures are read again: a glance-level display, not a feed. */
const REFRESH_MS = 2000;

/**
 * The cockpit tile's KPI strip over the 3D view (mode `cockpit`): alarms, open incidents by
 * level (Ⅰ red … Ⅳ blue) and parking occupancy, each only where its layer exists. Text only
 * (platform/h.ts makes text nodes). Returns the unmount.
 */
export function mountCockpitKpis(overlay: HTMLElement, ui: UiContext, api: CimTwinApi): () => void {
  const root = h('div', { id: 'cockpit-kpis', attrs: { role: 'status' } });
  let timer: ReturnType<typeof setInterval> | undefined;
  const render = (): void => {
    const figures = cockpitFigures(api);
    const items: HTMLElement[] = [];
    if (figures.alarms !== null)
      items.push(h('span', { className: `kpi kpi-alarms${figures.alarms > 0 ? ' active' : ''}` }, `${ui.t('cockpit.alarms')} ${figures.alarms}`));
    if (figures.incidents) {
      const open = EMERGENCY_LEVELS.filter((level) => figures.incidents![level.id] > 0);
      const levels = open.map((level) => {
        const badge = h('b', { className: 'kpi-level' }, `${level.numeral} ${figures.incidents![level.id]}`);
        badge.style.setProperty('--level', level.css);
        return badge;
      });
      items.push(h('span', { className: 'kpi kpi-incidents' }, `${ui.t('cockpit.incidents')} `, ...(levels.length ? levels : [ui.t('cockpit.none')])));
    }
    if (figures.parkingOccupancy !== null)
      items.push(h('span', { className: 'kpi kpi-parking' }, `${ui.t('cockpit.parking')} ${Math.round(figures.parkingOccupancy * 100)}%`));
    root.replaceChildren(...items);
  };
  const apply = (): void => {
    const cockpit = ui.store.getState().mode === 'cockpit';
    clearInterval(timer);
    timer = undefined;
    root.hidden = !cockpit;
    if (!cockpit) return;
    render();
    timer = setInterval(render, REFRESH_MS);
  };
  overlay.append(root);
  apply();
  const stopMode = watch(ui.store, (s) => s.mode, apply);
  const stopLanguage = watch(
    ui.store,
    (s) => s.language,
    () => ui.store.getState().mode === 'cockpit' && render(),
  );
  return () => {
    clearInterval(timer);
    stopMode();
    stopLanguage();
    root.remove();
  };
}
