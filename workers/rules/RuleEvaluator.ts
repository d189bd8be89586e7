import type { Footprint, IncidentAsset, LonLat } from '../formats/incident.js';
import { metresPerDegree } from '../geometry/geodesy.js';
import { type AlarmMemory, createAlarmMemory, SENSOR_STATE_NAMES, SensorState, type SensorStateName, updateAlarmState } from '../live/alarmStateMachine.js';
import { networkDistances } from './networkDistances.js';
import { outlineAround } from './outlineAround.js';
import type { RuleContext } from './RuleContext.js';
import { type CoLocatedRule, EPISODE_CLEARS_AFTER_SECONDS, type NetworkClusterRule, type RuleDefinition, type SingleSensorRule } from './RuleDefinition.js';
import { RULES } from './ruleTable.js';
import { suspectBurstPipe } from './suspectBurstPipe.js';

/** A sensor's part in a finding: what it read and since when it has been in its state. */
export interface SensorEvidence {
  datastreamId: number;
  name: string;
  sensorType: string;
  state: SensorStateName;
  /** When it entered the state (ms, phenomenon time). */
  since: number;
  value: number;
  lon: number;
  lat: number;
}

/** A rule firing: what an incident proposal is made of (see incidentProposalOf). */
export interface RuleFinding {
  rule: RuleDefinition;
  /** One per rule and area: proposing the same key again finds the open incident. */
  dedupeKey: string;
  /** Phenomenon time of the reading that set it off (ms). */
  at: number;
  evidence: SensorEvidence[];
  footprint: Footprint;
  assets: IncidentAsset[];
  /** What was found, for the incident's headline and description (Chinese, then English). */
  headline: string;
  description: string;
}

interface Episode {
  key: string;
  sensors: Set<number>;
}

const level = (state: SensorStateName): number => SensorState[state];

/**
 * Evaluates the rule table over a stream of readings: each reading goes through the sensor's
 * alarm state machine (workers/live/alarmStateMachine, the thresholds of its type), and a
 * sensor entering a rule's state makes that rule look at the sensors around it within its
 * time window. A rule fires once per episode (rule and area): while any sensor of the
 * episode stays in its state, or left it less than EPISODE_CLEARS_AFTER_SECONDS ago, sensors
 * joining it extend it instead of firing again. Pure: readings in, findings out; times are
 * the readings' phenomenon times.
 */
export class RuleEvaluator {
  readonly rules: readonly RuleDefinition[];
  private readonly memory: AlarmMemory;
  /** When each sensor entered warning / alarm (ms), NaN while below; when it last left warning. */
  private readonly warningSince: Float64Array;
  private readonly alarmSince: Float64Array;
  private readonly normalSince: Float64Array;
  private readonly lastValue: Float64Array;
  private readonly reported: Uint8Array;
  private readonly sensorOfDatastream = new Map<number, number>();
  /** Rule indices watching each sensor. */
  private readonly rulesOfSensor: number[][];
  private readonly sensorsOfRule: number[][];
  private readonly episodes: Episode[][];
  private readonly neighbours = new Map<string, Map<number, number[]>>();
  /** Readings seen, findings made. */
  readonly counts = { readings: 0, stateChanges: 0, evaluations: 0, findings: 0 };

  constructor(
    private readonly context: RuleContext,
    rules: readonly RuleDefinition[] = RULES,
  ) {
    this.rules = rules;
    const count = context.sensors.datastreamIds.length;
    this.memory = createAlarmMemory(count);
    this.warningSince = new Float64Array(count).fill(NaN);
    this.alarmSince = new Float64Array(count).fill(NaN);
    this.normalSince = new Float64Array(count).fill(-Infinity);
    this.lastValue = new Float64Array(count).fill(NaN);
    this.reported = new Uint8Array(count);
    context.sensors.datastreamIds.forEach((id, i) => this.sensorOfDatastream.set(id, i));
    this.rulesOfSensor = Array.from({ length: count }, () => []);
    this.sensorsOfRule = rules.map(() => []);
    this.episodes = rules.map(() => []);
    rules.forEach((rule, r) => {
      const types = new Set(rule.kind === 'coLocated' ? rule.groups.flatMap((g) => g.sensorTypes) : rule.sensorTypes);
      for (let i = 0; i < count; i++) {
        if (!types.has(context.sensors.types[i]!.id)) continue;
        if (rule.kind === 'networkCluster' && context.sensors.networkNode[i]! < 0) continue;
        this.rulesOfSensor[i]!.push(r);
        this.sensorsOfRule[r]!.push(i);
      }
    });
  }

  /** A reading of a datastream (ms phenomenon time); unknown datastreams are ignored. */
  observeDatastream(datastreamId: number, value: number, timeMs: number): RuleFinding[] {
    const sensor = this.sensorOfDatastream.get(datastreamId);
    return sensor === undefined ? [] : this.observe(sensor, value, timeMs);
  }

  /** A reading of sensor `sensor` (its index in the context). */
  observe(sensor: number, value: number, timeMs: number): RuleFinding[] {
    this.counts.readings++;
    this.lastValue[sensor] = value;
    this.reported[sensor] = 1;
    const before = this.memory.state[sensor]!;
    const after = updateAlarmState(this.memory, sensor, value, timeMs, this.context.sensors.types[sensor]!.thresholds);
    if (after === before) return [];
    this.counts.stateChanges++;
    if (after >= SensorState.warning && before < SensorState.warning) this.warningSince[sensor] = timeMs;
    if (after >= SensorState.alarm && before < SensorState.alarm) this.alarmSince[sensor] = timeMs;
    if (after < SensorState.alarm) this.alarmSince[sensor] = NaN;
    if (after < SensorState.warning) {
      this.warningSince[sensor] = NaN;
      this.normalSince[sensor] = timeMs;
    }
    if (after < before) return [];
    const findings: RuleFinding[] = [];
    for (const r of this.rulesOfSensor[sensor]!) {
      const finding = this.evaluate(r, sensor, before, timeMs);
      if (finding) findings.push(finding);
    }
    this.counts.findings += findings.length;
    return findings;
  }

  /** Sensors in at least `state` that entered it no earlier than `since` (ms). */
  private inState(sensor: number, state: SensorStateName, since: number): boolean {
    if (this.memory.state[sensor]! < level(state) || this.memory.state[sensor] === SensorState.offline) return false;
    const entered = state === 'alarm' ? this.alarmSince[sensor]! : this.warningSince[sensor]!;
    return entered >= since;
  }

  private evaluate(r: number, sensor: number, stateBefore: number, now: number): RuleFinding | null {
    const rule = this.rules[r]!;
    this.counts.evaluations++;
    this.expireEpisodes(r, sensor, stateBefore, now);
    if (rule.kind === 'singleSensor') return this.evaluateSingle(r, rule, sensor, now);
    if (rule.kind === 'networkCluster') return this.evaluateNetworkCluster(r, rule, sensor, now);
    return this.evaluateCoLocated(r, rule, sensor, now);
  }

  /**
   * An episode ends once all its sensors have been below warning for EPISODE_CLEARS_AFTER_SECONDS
   * (judged as things stood before `rising` rose from `stateBefore`: its rise is what is being evaluated).
   */
  private expireEpisodes(r: number, rising: number, stateBefore: number, now: number): void {
    const clearMs = EPISODE_CLEARS_AFTER_SECONDS * 1000;
    const active = (s: number): boolean => (s === rising ? stateBefore : this.memory.state[s]!) >= SensorState.warning;
    this.episodes[r] = this.episodes[r]!.filter((episode) => [...episode.sensors].some((s) => active(s) || now - this.normalSince[s]! < clearMs));
  }

  /** The episode of rule `r` holding any of `sensors`, extended with them all. */
  private joinEpisode(r: number, sensors: readonly number[]): Episode | undefined {
    const episode = this.episodes[r]!.find((e) => sensors.some((s) => e.sensors.has(s)));
    for (const s of sensors) episode?.sensors.add(s);
    return episode;
  }

  private evaluateSingle(r: number, rule: SingleSensorRule, sensor: number, now: number): RuleFinding | null {
    if (!this.inState(sensor, rule.minimumState, -Infinity) || this.joinEpisode(r, [sensor])) return null;
    const { sensors } = this.context;
    const key = `${rule.id}:${sensors.datastreamIds[sensor]}`;
    this.episodes[r]!.push({ key, sensors: new Set([sensor]) });
    const at: LonLat = [sensors.lon[sensor]!, sensors.lat[sensor]!];
    return {
      rule,
      dedupeKey: key,
      at: now,
      evidence: [this.evidence(sensor, rule.minimumState)],
      footprint: { kind: 'circle', centre: at, radiusMetres: rule.radiusMetres },
      assets: [{ kind: 'sensor', id: String(sensors.datastreamIds[sensor]) }],
      headline: `${rule.incident.event}：${sensors.names[sensor]}`,
      description: `${sensors.names[sensor]} ${this.reading(sensor)}。\n${rule.incident.eventEn}: ${sensors.names[sensor]} reads ${this.reading(sensor)}.`,
    };
  }

  private evaluateNetworkCluster(r: number, rule: NetworkClusterRule, sensor: number, now: number): RuleFinding | null {
    const network = this.context.network;
    if (!network) return null;
    const since = now - rule.windowSeconds * 1000;
    if (!this.inState(sensor, rule.minimumState, since)) return null;
    // The connected part: sensors in the state within the window, each within the link
    // distance along the pipes of another.
    const cluster = [sensor];
    const seen = new Set(cluster);
    for (let k = 0; k < cluster.length; k++)
      for (const next of this.networkNeighbours(rule, cluster[k]!)) {
        if (seen.has(next) || !this.inState(next, rule.minimumState, since)) continue;
        seen.add(next);
        cluster.push(next);
      }
    if (cluster.length < rule.minimumSensors || this.joinEpisode(r, cluster)) return null;
    const { sensors } = this.context;
    const normalNodes = new Set<number>();
    for (const s of this.sensorsOfRule[r]!) if (this.reported[s] && this.memory.state[s] === SensorState.normal) normalNodes.add(sensors.networkNode[s]!);
    const dropping = cluster.map((s) => ({ node: sensors.networkNode[s]!, weight: this.memory.state[s]! >= SensorState.alarm ? 2 : 1 }));
    const suspect = suspectBurstPipe(network, dropping, normalNodes, rule.linkWithinMetres);
    if (!suspect) return null;
    const key = `${rule.id}:${suspect.edgeId}`;
    this.episodes[r]!.push({ key, sensors: new Set(cluster) });
    const { graph, nodeLon, nodeLat } = network;
    const from = graph.edgeFrom[suspect.edge]!;
    const to = graph.edgeTo[suspect.edge]!;
    const centre: LonLat = [(nodeLon[from]! + nodeLon[to]!) / 2, (nodeLat[from]! + nodeLat[to]!) / 2];
    const scale = metresPerDegree(centre[1]);
    let radius = 0;
    for (const node of suspect.isolatedNodes)
      radius = Math.max(radius, Math.hypot((nodeLon[node]! - centre[0]) * scale.lon, (nodeLat[node]! - centre[1]) * scale.lat));
    const explained = suspect.explained.length;
    return {
      rule,
      dedupeKey: key,
      at: now,
      evidence: cluster.map((s) => this.evidence(s, rule.minimumState)),
      footprint: { kind: 'circle', centre, radiusMetres: Math.max(50, Math.round(radius)) },
      assets: [{ kind: 'pipe', id: suspect.edgeId }, ...cluster.map((s): IncidentAsset => ({ kind: 'sensor', id: String(sensors.datastreamIds[s]) }))],
      headline: `${rule.incident.event}：${suspect.edgeId}`,
      description:
        `${cluster.length} 个压力传感器 ${rule.windowSeconds / 60} 分钟内压降；最可能爆管的管段 ${suspect.edgeId}` +
        `（关阀隔离区内有其中 ${explained} 个，正常传感器 ${suspect.contradicting} 个）。\n` +
        `${cluster.length} pressure sensors dropped within ${rule.windowSeconds / 60} min; most likely burst pipe ${suspect.edgeId} ` +
        `(its isolation holds ${explained} of them and ${suspect.contradicting} normal sensors).\n` +
        cluster.map((s) => `${sensors.names[s]}: ${this.reading(s)}`).join('\n'),
    };
  }

  /** Sensors of the rule within its link distance along the network (computed once per sensor). */
  private networkNeighbours(rule: NetworkClusterRule, sensor: number): number[] {
    let table = this.neighbours.get(rule.id);
    if (!table) {
      table = new Map();
      this.neighbours.set(rule.id, table);
    }
    let list = table.get(sensor);
    if (list) return list;
    const network = this.context.network!;
    const { networkNode } = this.context.sensors;
    const reached = networkDistances(network.graph, network.edgeLength, networkNode[sensor]!, rule.linkWithinMetres);
    list = this.sensorsOfRule[this.rules.indexOf(rule)]!.filter((s) => s !== sensor && reached.has(networkNode[s]!));
    table.set(sensor, list);
    return list;
  }

  private evaluateCoLocated(r: number, rule: CoLocatedRule, sensor: number, now: number): RuleFinding | null {
    const since = now - rule.windowSeconds * 1000;
    const { sensors } = this.context;
    const groupOf = (s: number): number => rule.groups.findIndex((g) => g.sensorTypes.includes(sensors.types[s]!.id) && this.inState(s, g.minimumState, since));
    if (groupOf(sensor) < 0) return null;
    // Sensors of the rule in their state, on a grid of `withinMetres` cells: the set grows
    // from the new sensor to every such sensor within reach of one already in it.
    const scale = metresPerDegree(sensors.lat[sensor]!);
    const cellOf = (s: number): [number, number] => [
      Math.floor((sensors.lon[s]! * scale.lon) / rule.withinMetres),
      Math.floor((sensors.lat[s]! * scale.lat) / rule.withinMetres),
    ];
    const grid = new Map<string, number[]>();
    for (const s of this.sensorsOfRule[r]!) {
      if (groupOf(s) < 0) continue;
      const [cx, cy] = cellOf(s);
      const key = `${cx},${cy}`;
      const cell = grid.get(key);
      if (cell) cell.push(s);
      else grid.set(key, [s]);
    }
    const set = [sensor];
    const seen = new Set(set);
    for (let k = 0; k < set.length; k++) {
      const s = set[k]!;
      // Reaching a sensor of an episode: the set is part of that area, already proposed.
      if (this.joinEpisode(r, [s])) {
        this.joinEpisode(r, set);
        return null;
      }
      const [cx, cy] = cellOf(s);
      for (let dx = -1; dx <= 1; dx++)
        for (let dy = -1; dy <= 1; dy++)
          for (const t of grid.get(`${cx + dx},${cy + dy}`) ?? []) {
            if (seen.has(t)) continue;
            const metres = Math.hypot((sensors.lon[t]! - sensors.lon[s]!) * scale.lon, (sensors.lat[t]! - sensors.lat[s]!) * scale.lat);
            if (metres > rule.withinMetres) continue;
            seen.add(t);
            set.push(t);
          }
    }
    const perGroup = rule.groups.map((_, g) => set.filter((s) => groupOf(s) === g).length);
    if (rule.groups.some((g, k) => perGroup[k]! < g.minimumSensors)) return null;
    const key = `${rule.id}:${sensors.datastreamIds[Math.min(...set)]}`;
    this.episodes[r]!.push({ key, sensors: new Set(set) });
    const counts = rule.groups.map((g, k) => `${perGroup[k]} ${g.sensorTypes.join('/')}`).join(', ');
    return {
      rule,
      dedupeKey: key,
      at: now,
      evidence: set.map((s) => this.evidence(s, rule.groups[groupOf(s)]!.minimumState)),
      footprint: outlineAround(
        set.map((s): LonLat => [sensors.lon[s]!, sensors.lat[s]!]),
        rule.marginMetres,
      ),
      assets: set.map((s): IncidentAsset => ({ kind: 'sensor', id: String(sensors.datastreamIds[s]) })),
      headline: `${rule.incident.event}：${sensors.names[sensor]} 一带`,
      description:
        `${set.length} 个传感器 ${rule.windowSeconds / 60} 分钟内超限（${counts}）。\n` +
        `${rule.incident.eventEn}: ${set.length} sensors past their thresholds within ${rule.windowSeconds / 60} min (${counts}).\n` +
        set.map((s) => `${sensors.names[s]}: ${this.reading(s)}`).join('\n'),
    };
  }

  private evidence(sensor: number, state: SensorStateName): SensorEvidence {
    const { sensors } = this.context;
    return {
      datastreamId: sensors.datastreamIds[sensor]!,
      name: sensors.names[sensor]!,
      sensorType: sensors.types[sensor]!.id,
      state: SENSOR_STATE_NAMES[this.memory.state[sensor]!]!,
      since: state === 'alarm' ? this.alarmSince[sensor]! : this.warningSince[sensor]!,
      value: this.lastValue[sensor]!,
      lon: sensors.lon[sensor]!,
      lat: sensors.lat[sensor]!,
    };
  }

  private reading(sensor: number): string {
    return `${this.lastValue[sensor]} ${this.context.sensors.types[sensor]!.unit.symbol}`;
  }
}
