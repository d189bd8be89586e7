import type { IncidentAsset, IncidentClassification, IncidentDraft } from '../formats/incident.js';
import type { SensorType } from '../live/sensorTypes.js';

/**
 * What an alarm of each sensor type suggests, as data: the event, its GB/T 35561 sub-type and
 * a starting level (the operator raises it once verified — a single sensor is rarely more than
 * 一般 Ⅳ). Unknown types fall back to a generic facility alarm.
 */
export interface AlarmIncidentTemplate {
  eventZh: string;
  eventEn: string;
  classification: IncidentClassification;
}

const facility = (eventZh: string, eventEn: string): AlarmIncidentTemplate => ({
  eventZh,
  eventEn,
  classification: { category: 'accident', subType: 'public-facility', level: 'IV' },
});

export const ALARM_INCIDENT_TEMPLATES: Readonly<Record<string, AlarmIncidentTemplate>> = {
  manhole_cover: facility('井盖异常', 'Manhole cover displaced'),
  well_water_level: { eventZh: '内涝', eventEn: 'Waterlogging', classification: { category: 'natural-disaster', subType: 'flood-drought', level: 'IV' } },
  waterlogging: { eventZh: '内涝', eventEn: 'Waterlogging', classification: { category: 'natural-disaster', subType: 'flood-drought', level: 'IV' } },
  river_level: {
    eventZh: '河道水位超警',
    eventEn: 'River above warning level',
    classification: { category: 'natural-disaster', subType: 'flood-drought', level: 'IV' },
  },
  hydrant_pressure: facility('供水管网压力异常', 'Water supply pressure drop'),
  network_pressure: facility('供水管网压力异常', 'Water supply pressure drop'),
  network_flow: facility('供水管网流量异常', 'Abnormal water supply flow'),
  gas_in_well: facility('燃气泄漏', 'Gas leak'),
  air_quality: { eventZh: '空气污染', eventEn: 'Air pollution', classification: { category: 'accident', subType: 'environmental', level: 'IV' } },
  river_quality: { eventZh: '水体污染', eventEn: 'Water pollution', classification: { category: 'accident', subType: 'environmental', level: 'IV' } },
};

export interface AlarmSensor {
  datastreamId: number;
  name: string;
  type: SensorType;
  lon: number;
  lat: number;
  /** The seed feature the sensor sits on (well, hydrant, network node), '' if none. */
  feature: string;
}

/**
 * An incident draft from a sensor alarm (one click on an alarm): type from the sensor type,
 * place from the sensor, time and value from its latest reading (the one that alarmed). Not stored: the operator
 * checks it and posts it to `/api/incidents`.
 */
export function draftFromAlarm(sensor: AlarmSensor, reading: { time: number; value: number }): IncidentDraft {
  const template = ALARM_INCIDENT_TEMPLATES[sensor.type.id] ?? facility('设施告警', 'Facility alarm');
  const value = `${roundForText(reading.value)} ${sensor.type.unit.symbol}`;
  const assets: IncidentAsset[] = [{ kind: 'sensor', id: String(sensor.datastreamId) }];
  return {
    event: template.eventZh,
    headline: `${template.eventZh}：${sensor.name}`,
    description: `${sensor.type.nameZh}告警 ${sensor.name}（${value}）。` + `${template.eventEn}: ${sensor.type.nameEn} alarm at ${sensor.name} (${value}).`,
    classification: { ...template.classification },
    footprint: { kind: 'point', at: [sensor.lon, sensor.lat] },
    assets,
    source: {
      kind: 'alarm',
      datastreamId: sensor.datastreamId,
      sensorType: sensor.type.id,
      sensorName: sensor.name,
      phenomenonTime: new Date(reading.time).toISOString(),
      value: reading.value,
    },
  };
}

function roundForText(value: number): string {
  return String(Math.round(value * 1000) / 1000);
}
