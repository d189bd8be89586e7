import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RuleProposal, type RulesRunner, startRulesRunner } from '../server/rules/startRulesRunner.js';
import type { Incident } from '../workers/formats/incident.js';
import { startDemoServer } from './support/demoServer.js';

const root = join(import.meta.dirname, '..');
let server: Awaited<ReturnType<typeof startDemoServer>>;
let runner: RulesRunner;
const logged: string[] = [];

/** The next proposal `accept` takes, within `timeoutMs`. */
function nextProposal(accept: (p: RuleProposal) => boolean, timeoutMs: number): Promise<RuleProposal> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no proposal within ${timeoutMs} ms (made: ${runner.proposals.map((p) => p.finding.headline).join('; ') || 'none'})`));
    }, timeoutMs);
    const off = runner.onProposal((proposal) => {
      if (!accept(proposal)) return;
      clearTimeout(timer);
      off();
      resolve(proposal);
    });
  });
}

beforeAll(async () => {
  // The simulator at 1,000 readings/s (every sensor every ~4 s), its burst 1 s after it starts, no rain.
  server = await startDemoServer({ live: { simulator: { burstAfterSeconds: 1, rainAfterSeconds: null, rate: 1000 } } });
  runner = startRulesRunner({
    live: server.live!,
    network: join(root, 'data/tiles/pipes/network.json'),
    propose: server.incidents.service.propose,
    log: (line) => logged.push(line),
  });
}, 300_000);

afterAll(async () => {
  runner?.stop();
  await server?.close();
}, 30_000);

describe('rules on the live stream (real broker, simulator, incidents store)', () => {
  it('the simulator’s burst becomes a proposed incident on the reading that completes the evidence (latency printed; bench:rules holds the 2 s target)', async () => {
    const proposal = await nextProposal((p) => p.finding.rule.id === 'pipe-burst', 120_000);
    console.log(
      `burst proposed: ${proposal.incident.headline}; ${proposal.latencyMs} ms after the triggering reading arrived, ` +
        `${proposal.sincePhenomenonMs} ms after its phenomenon time`,
    );
    expect(proposal.created).toBe(true);
    // Proposed on the reading that completes the evidence, not at a later sweep; the 2 s target is
    // measured by bench:rules (a shared CI machine adds queueing here).
    expect(proposal.latencyMs).toBeLessThan(10_000);
    expect(proposal.sincePhenomenonMs).toBeLessThan(10_000);
    expect(proposal.incident).toMatchObject({ state: 'reported', event: '疑似供水管道爆管', createdBy: 'rule:pipe-burst' });
    expect(proposal.incident.source).toMatchObject({ kind: 'rule', ruleId: 'pipe-burst' });
    expect(proposal.incident.assets.some((a) => a.kind === 'pipe')).toBe(true);
    // Served by the incidents API like any incident, to a signed-in viewer (a rule's incident is Restricted: not the public's).
    const listed = (await (
      await fetch(`${server.url}/api/incidents`, { headers: { Authorization: `Bearer ${await server.token('internal')}` } })
    ).json()) as Incident[];
    expect(listed.map((i) => i.id)).toContain(proposal.incident.id);
    // More sensors keep dropping: still one incident for this burst.
    await new Promise((resolve) => setTimeout(resolve, 10_000));
    expect(runner.proposals.filter((p) => p.finding.rule.id === 'pipe-burst')).toHaveLength(1);
    expect((await server.incidents.service.list()).filter((i) => i.source.kind === 'rule')).toHaveLength(1);
  }, 180_000);

  it('a gas alarm injected through the broker is proposed on its second reading', async () => {
    const live = server.live!;
    const well =
      live.catalog.find((e) => e.type.id === 'gas_in_well' && live.simulator!.silent.has(e.id)) ?? live.catalog.find((e) => e.type.id === 'gas_in_well')!;
    const now = Date.now();
    const proposed = nextProposal((p) => p.finding.rule.id === 'gas-leak', 10_000);
    await live.simulator!.inject(well.id, 60, now - 15_000);
    await live.simulator!.inject(well.id, 60, now);
    const proposal = await proposed;
    console.log(`gas leak proposed ${proposal.latencyMs} ms after the second reading arrived`);
    expect(proposal.finding.evidence.map((e) => e.datastreamId)).toEqual([well.id]);
    expect(proposal.latencyMs).toBeLessThan(10_000); // the 2 s target: bench:rules
    expect(logged).toEqual([]);
  }, 30_000);
});
