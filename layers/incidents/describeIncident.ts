import type { Incident } from '../../workers/formats/incident.js';
import type { FeatureProperties } from '../../viewer/src/platform/ViewerEvents.js';

/** What the info panel lists for an incident (plain values; the card below it has the rest). */
export function describeIncident(incident: Incident): FeatureProperties {
  return {
    id: incident.id,
    headline: incident.headline,
    event: incident.event,
    incidentState: incident.state,
    level: incident.classification.level,
    emergencyCategory: incident.classification.category,
    exercise: incident.status === 'Exercise',
    overdue: incident.overdue,
    sent: incident.sent,
    createdBy: incident.createdBy,
    description: incident.description || null,
  };
}
