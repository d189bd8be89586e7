import type { Incident } from '../../workers/formats/incident.js';
import type { FeatureProperties } from '../../viewer/src/platform/ViewerEvents.js';

/** What the info panel lists for an incident (plain values; the card below it has the rest). */
export function describeIncident(incident: Incident): FeatureProperties {
  // Short, so the impact card below stays in view: the id is the panel's own line, and the
  // flags are listed only when set.
  return {
    headline: incident.headline,
    incidentState: incident.state,
    level: incident.classification.level,
    emergencyCategory: incident.classification.category,
    ...(incident.status === 'Exercise' ? { exercise: true } : {}),
    ...(incident.overdue ? { overdue: true } : {}),
    sent: incident.sent,
    createdBy: incident.createdBy,
  };
}
