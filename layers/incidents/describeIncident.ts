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
    sent: localTime(incident.sent),
    // Absent in the public's copy (account names are for signed-in roles).
    ...(incident.createdBy !== undefined ? { createdBy: incident.createdBy } : {}),
  };
}

/** An instant as the wall's clock shows it, in the viewer's local time: 2026-11-30 16:00:46 (not the ISO 8601 the data carries). */
export function localTime(iso: string): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${at.getFullYear()}-${two(at.getMonth() + 1)}-${two(at.getDate())} ${two(at.getHours())}:${two(at.getMinutes())}:${two(at.getSeconds())}`;
}
