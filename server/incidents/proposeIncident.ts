import type { Incident, IncidentProposal } from '../../workers/formats/incident.js';

/**
 * How a rule (workers/rules, run by the server beside the live backbone) opens an incident:
 * the server hands the rules runner a `ProposeIncident` bound to its incident service. The
 * proposal is stored as a new incident in state `reported`, authored by `rule:<ruleId>`, and
 * pushed to viewers — unless an open incident from the same rule has the same `dedupeKey`, in
 * which case that incident is returned and `created` is false (a rule firing again on every
 * reading opens one incident, not hundreds).
 */
export type ProposeIncident = (proposal: IncidentProposal) => Promise<{ incident: Incident; created: boolean }>;
