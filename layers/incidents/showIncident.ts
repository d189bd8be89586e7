import type { Incident } from '../../workers/formats/incident.js';
import type { UiContext } from '../../viewer/src/platform/UiContext.js';
import { footprintCentre, footprintViewRange } from './incidentGeometry.js';

/**
 * Selects an incident, which opens its card, and flies to it framed with its surroundings (a
 * 300 m circle whole, not its centre up close).
 */
export async function showIncident(ui: UiContext, layerId: string, incident: Incident, duration: number): Promise<void> {
  const [lon, lat] = footprintCentre(incident.footprint);
  // Selected first: the card opens and its impact is worked out while the camera flies.
  ui.store.getState().select({ tileset: layerId, id: incident.id });
  void ui.commands.describeSelection();
  await ui.commands.flyTo({ lon, lat, height: 0, range: footprintViewRange(incident.footprint) }, { duration });
}
