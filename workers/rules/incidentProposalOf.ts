import type { IncidentProposal } from '../formats/incident.js';
import type { RuleFinding } from './RuleEvaluator.js';

/** The incident a finding proposes (server/incidents' ProposeIncident takes it). */
export function incidentProposalOf(finding: RuleFinding): IncidentProposal {
  const { incident } = finding.rule;
  return {
    event: incident.event,
    headline: finding.headline,
    description: finding.description,
    ...(incident.instruction ? { instruction: incident.instruction } : {}),
    classification: incident.classification,
    footprint: finding.footprint,
    assets: finding.assets,
    urgency: incident.urgency,
    certainty: incident.certainty,
    ...(incident.category ? { category: incident.category } : {}),
    source: { kind: 'rule', ruleId: finding.rule.id, datastreamIds: finding.evidence.map((e) => e.datastreamId), at: new Date(finding.at).toISOString() },
    dedupeKey: finding.dedupeKey,
  };
}
