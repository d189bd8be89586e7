import type { RuleDefinition } from '../../workers/rules/RuleDefinition.js';
import { RuleEvaluator, type RuleFinding } from '../../workers/rules/RuleEvaluator.js';
import type { RuleContext } from '../../workers/rules/RuleContext.js';
import type { CatalogEntry } from '../live/SensorCatalog.js';
import { type FeedScenario, replayFeed, simulatedFeed } from '../live/simulatedFeed.js';

export interface RulesReplay {
  findings: RuleFinding[];
  readings: number;
  /** Sensors entering a rule's state, each making the rule look around it. */
  evaluations: number;
  /** Wall time of the replay, readings generated and evaluated (ms). */
  elapsedMs: number;
}

/**
 * The simulator's model run through the rules without sockets, as fast as it goes: a whole
 * simulated day in seconds. `fromMs` is when the scenario starts (its burst and rain count
 * from there).
 */
export function replayRules(options: {
  catalog: readonly CatalogEntry[];
  context: RuleContext;
  scenario: FeedScenario;
  fromMs: number;
  toMs: number;
  random: () => number;
  rules?: readonly RuleDefinition[];
}): RulesReplay {
  const evaluator = new RuleEvaluator(options.context, options.rules);
  const feed = simulatedFeed(options.catalog, options.fromMs, options.scenario, options.random);
  const findings: RuleFinding[] = [];
  const started = performance.now();
  const readings = replayFeed(options.catalog, feed, options.fromMs, options.toMs, (entry, value, timeMs) => {
    for (const finding of evaluator.observeDatastream(entry.id, value, timeMs)) findings.push(finding);
  });
  return { findings, readings, evaluations: evaluator.counts.evaluations, elapsedMs: performance.now() - started };
}
