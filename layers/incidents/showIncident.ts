import type { Incident } from '../../workers/formats/incident.js';
import type { UiContext } from '../../viewer/src/platform/UiContext.js';
import { footprintCentre, footprintViewRange } from './incidentGeometry.js';

/**
 * Flies to an incident framed with its surroundings (a 300 m circle whole, not its centre up
 * close) and selects it, which opens its card.
 */
export async function showIncident(ui: UiContext, layerId: string, incident: Incident, duration: number): Promise<void> {
  const [lon, lat] = footprintCentre(incident.footprint);
  await ui.commands.flyTo({ lon, lat, height: 0, range: footprintViewRange(incident.footprint) }, { duration });
  ui.store.getState().select({ tileset: layerId, id: incident.id });
  await ui.commands.describeSelection();
}
