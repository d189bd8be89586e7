import type { Incident } from '../../workers/formats/incident.js';
import type { NetworkDocument } from '../../workers/formats/networkDocument.js';
import { incidentProposalOf } from '../../workers/rules/incidentProposalOf.js';
import type { RuleDefinition } from '../../workers/rules/RuleDefinition.js';
import { RuleEvaluator, type RuleFinding } from '../../workers/rules/RuleEvaluator.js';
import type { ProposeIncident } from '../incidents/proposeIncident.js';
import type { LiveBackbone } from '../live/startLiveBackbone.js';
import { ruleContextOf } from './ruleContextOf.js';

/** One proposal the runner made, with how long it took. */
export interface RuleProposal {
  finding: RuleFinding;
  incident: Incident;
  /** False when an open incident from the same rule and area was found instead. */
  created: boolean;
  /** From the arrival of the reading that set the rule off to the incident stored (ms). */
  latencyMs: number;
  /** From that reading's phenomenon time (what a device's clock says) to the incident stored (ms). */
  sincePhenomenonMs: number;
}

export interface RulesRunner {
  readonly evaluator: RuleEvaluator;
  /** The last 100 proposals, oldest first. */
  readonly proposals: readonly RuleProposal[];
  /** Calls `listener` after each proposal; returns the unsubscribe. */
  onProposal(listener: (proposal: RuleProposal) => void): () => void;
  stop(): void;
}

const PROPOSE_ATTEMPTS = 3;

/**
 * The rules (workers/rules) on the live stream: every observation the broker accepts goes
 * through the evaluator (off the broker's own callback, in order), and each finding is proposed
 * as an incident through the incidents service, which keeps one open incident per rule and
 * area. A failed proposal (the store briefly unavailable) is tried again twice.
 */
export function startRulesRunner(options: {
  live: Pick<LiveBackbone, 'catalog' | 'onObservation'>;
  /** The water network: network.json (a path or the document), or null for none. */
  network: NetworkDocument | string | null;
  propose: ProposeIncident;
  rules?: readonly RuleDefinition[];
  log?: (line: string) => void;
}): RulesRunner {
  const log = options.log ?? ((line: string) => console.warn(line));
  const evaluator = new RuleEvaluator(ruleContextOf(options.live.catalog, options.network), options.rules);
  const proposals: RuleProposal[] = [];
  const listeners = new Set<(proposal: RuleProposal) => void>();
  let queue: { datastream: number; time: number; result: number; receivedMs: number }[] = [];
  let scheduled = false;
  let stopped = false;

  const propose = async (finding: RuleFinding, receivedMs: number): Promise<void> => {
    for (let attempt = 1; ; attempt++) {
      try {
        const { incident, created } = await options.propose(incidentProposalOf(finding));
        const now = Date.now();
        const proposal: RuleProposal = { finding, incident, created, latencyMs: now - receivedMs, sincePhenomenonMs: now - finding.at };
        proposals.push(proposal);
        if (proposals.length > 100) proposals.shift();
        for (const listener of listeners) listener(proposal);
        return;
      } catch (error) {
        if (attempt >= PROPOSE_ATTEMPTS || stopped) {
          log(`rules: proposing "${finding.headline}" failed ${attempt} times, given up: ${(error as Error).message}`);
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 1000 * attempt));
      }
    }
  };

  const drain = (): void => {
    scheduled = false;
    const batch = queue;
    queue = [];
    for (const o of batch) for (const finding of evaluator.observeDatastream(o.datastream, o.result, o.time)) void propose(finding, o.receivedMs);
  };

  const unsubscribe = options.live.onObservation((observation, receivedMs) => {
    if (stopped) return;
    queue.push({ ...observation, receivedMs });
    if (!scheduled) {
      scheduled = true;
      setImmediate(drain);
    }
  });

  return {
    evaluator,
    proposals,
    onProposal: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    stop: () => {
      stopped = true;
      unsubscribe();
      queue = [];
    },
  };
}
