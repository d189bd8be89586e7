import type { Incident } from '../../workers/formats/incident.js';
import type { UiContext } from '../../viewer/src/platform/UiContext.js';
import { footprintCentre, footprintViewRange, framedAround, type CoveredSides } from './incidentGeometry.js';

/** The viewer's docks, measured when an incident is framed (a hidden dock, as the wall's left one, covers nothing). */
export interface Docks {
  overlay: HTMLElement;
  left: HTMLElement;
  right: HTMLElement;
}

/** How much of the view each dock covers, as fractions of its width. */
export function coveredSides(docks: Docks | undefined): CoveredSides {
  const view = docks?.overlay.getBoundingClientRect();
  if (!docks || !view || view.width <= 0) return { left: 0, right: 0 };
  const left = docks.left.getBoundingClientRect();
  const right = docks.right.getBoundingClientRect();
  return {
    left: left.width > 0 ? Math.max(0, left.right - view.left) / view.width : 0,
    right: right.width > 0 ? Math.max(0, view.right - right.left) / view.width : 0,
  };
}

/**
 * Selects an incident, which opens its card, and flies to it framed with its surroundings (a
 * 300 m circle whole, not its centre up close) in the part of the map the docks leave open, so
 * its marker is not under the card.
 */
export async function showIncident(ui: UiContext, layerId: string, incident: Incident, duration: number, docks?: Docks): Promise<void> {
  // Selected first: the card opens and its impact is worked out while the camera flies.
  ui.store.getState().select({ tileset: layerId, id: incident.id });
  void ui.commands.describeSelection();
  const view = framedAround(footprintCentre(incident.footprint), footprintViewRange(incident.footprint), coveredSides(docks));
  await ui.commands.flyTo({ ...view, height: 0 }, { duration });
}
