import type { RuleDefinition } from './RuleDefinition.js';

/**
 * The rules that propose incidents from the live readings, as data: a deployment can pass its
 * own table to the evaluator. Sensor type ids are workers/live/sensorTypes.ts's; thresholds
 * (what "warning" and "alarm" mean for each type) are the types' own.
 */
export const RULES: readonly RuleDefinition[] = [
  {
    // A main bursting drops the pressure around it within a minute or two; one sensor or two
    // dropping is a fault or a hydrant in use, three close together along the network is not.
    id: 'pipe-burst',
    kind: 'networkCluster',
    sensorTypes: ['network_pressure', 'hydrant_pressure'],
    minimumState: 'warning',
    minimumSensors: 3,
    windowSeconds: 300,
    linkWithinMetres: 1000,
    incident: {
      event: '疑似供水管道爆管',
      eventEn: 'Suspected water main burst',
      classification: { category: 'accident', subType: 'public-facility', level: 'IV' },
      urgency: 'Immediate',
      certainty: 'Likely',
      category: ['Infra'],
      instruction: '核实爆管位置，按关阀顺序关闭阀门，通知停水区域。',
    },
  },
  {
    // Rain the sewers cannot take: water rises in the wells and stands on the road nearby.
    id: 'waterlogging',
    kind: 'coLocated',
    groups: [
      { sensorTypes: ['well_water_level'], minimumState: 'warning', minimumSensors: 2 },
      { sensorTypes: ['waterlogging'], minimumState: 'warning', minimumSensors: 1 },
    ],
    windowSeconds: 1800,
    withinMetres: 800,
    marginMetres: 100,
    incident: {
      event: '城市内涝',
      eventEn: 'Urban waterlogging',
      classification: { category: 'natural-disaster', subType: 'flood-drought', level: 'IV' },
      urgency: 'Immediate',
      certainty: 'Observed',
      category: ['Met'],
      instruction: '封闭积水路段，启动排涝泵车，疏导交通。',
    },
  },
  {
    // Methane past the alarm level (25 %LEL) in a well, held past the type's minimum duration.
    id: 'gas-leak',
    kind: 'singleSensor',
    sensorTypes: ['gas_in_well'],
    minimumState: 'alarm',
    radiusMetres: 100,
    incident: {
      event: '燃气泄漏',
      eventEn: 'Gas leak',
      classification: { category: 'accident', subType: 'public-facility', level: 'III' },
      urgency: 'Immediate',
      certainty: 'Observed',
      category: ['Safety'],
      instruction: '疏散周边 100 米人员，禁止明火，通知燃气公司抢修。',
    },
  },
];
