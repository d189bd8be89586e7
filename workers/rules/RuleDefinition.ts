import type { CapCategory, CapCertainty, CapUrgency, IncidentClassification } from '../formats/incident.js';
import type { SensorStateName } from '../live/alarmStateMachine.js';

/** What an incident proposed by a rule says, whatever set it off. */
export interface IncidentTemplate {
  /** CAP `event`, short. */
  event: string;
  eventEn: string;
  classification: IncidentClassification;
  urgency: CapUrgency;
  certainty: CapCertainty;
  category?: CapCategory[];
  instruction?: string;
}

/** Sensors of these types in at least this alarm state (see workers/live/alarmStateMachine). */
export interface SensorCondition {
  sensorTypes: readonly string[];
  minimumState: Exclude<SensorStateName, 'normal' | 'offline'>;
}

/**
 * At least `minimumSensors` sensors entered the state within `windowSeconds` of each other,
 * each within `linkWithinMetres` along the water network of another of them (one connected
 * part of the network around them). Names the pipe whose burst explains them best.
 */
export interface NetworkClusterRule extends SensorCondition {
  id: string;
  kind: 'networkCluster';
  minimumSensors: number;
  windowSeconds: number;
  linkWithinMetres: number;
  incident: IncidentTemplate;
}

/**
 * Every group has its minimum of sensors in their state, entered within `windowSeconds`,
 * each within `withinMetres` (straight line) of another sensor of the set. The area is the
 * set's outline.
 */
export interface CoLocatedRule {
  id: string;
  kind: 'coLocated';
  groups: readonly (SensorCondition & { minimumSensors: number })[];
  windowSeconds: number;
  withinMetres: number;
  /** The outline is drawn this far beyond the sensors. */
  marginMetres: number;
  incident: IncidentTemplate;
}

/** One sensor entering the state is enough; the footprint is a circle around it. */
export interface SingleSensorRule extends SensorCondition {
  id: string;
  kind: 'singleSensor';
  radiusMetres: number;
  incident: IncidentTemplate;
}

export type RuleDefinition = NetworkClusterRule | CoLocatedRule | SingleSensorRule;

/**
 * A rule stays quiet about a situation it already proposed until every sensor involved has
 * been back below its state this long: one open proposal per rule and area, not one per reading.
 */
export const EPISODE_CLEARS_AFTER_SECONDS = 1800;
