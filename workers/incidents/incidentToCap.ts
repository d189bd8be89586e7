import type { Footprint, Incident, LonLat, NotifyArea } from '../formats/incident.js';
import { emergencyCategory, emergencyLevel, emergencySubType } from '../standards/gbt35561.js';

/**
 * An incident as one OASIS CAP 1.2 `<alert>` (valid against CAP-v1.2.xsd, checked in
 * test/incidentsCap.test.ts). Each version of the record is one message: identifier
 * `<id>-<version>`, sent = when that version was made, msgType Alert/Update/Cancel, and
 * updates reference the first message. The GB/T 35561 classification travels as eventCodes,
 * level and lifecycle state as parameters. The notify area is written when there is one,
 * else the footprint (CAP wants an area to locate the alert). Internal notes are not exported.
 */
export const CAP_CONTENT_TYPE = 'application/cap+xml';
const CAP_NAMESPACE = 'urn:oasis:names:tc:emergency:cap:1.2';

export function incidentToCap(incident: Incident): string {
  const subType = emergencySubType(incident.classification.category, incident.classification.subType);
  const category = emergencyCategory(incident.classification.category);
  const level = emergencyLevel(incident.classification.level);
  const lines: string[] = ['<?xml version="1.0" encoding="UTF-8"?>', `<alert xmlns="${CAP_NAMESPACE}">`];
  const element = (indent: number, name: string, value: string | undefined): void => {
    if (value !== undefined) lines.push(`${'  '.repeat(indent)}<${name}>${escapeXml(value)}</${name}>`);
  };
  element(1, 'identifier', `${capToken(incident.id)}-${incident.version}`);
  element(1, 'sender', capToken(incident.sender));
  element(1, 'sent', capTime(incident.updated));
  element(1, 'status', incident.status);
  element(1, 'msgType', incident.msgType);
  element(1, 'source', 'CIM Twin');
  element(1, 'scope', incident.scope);
  if (incident.scope === 'Restricted') element(1, 'restriction', incident.restriction ?? 'restricted');
  if (incident.status === 'Exercise') element(1, 'note', '演练 Exercise');
  if (incident.version > 1) element(1, 'references', `${capToken(incident.sender)},${capToken(incident.id)}-1,${capTime(incident.sent)}`);
  lines.push('  <info>');
  element(2, 'language', 'zh-CN');
  for (const c of incident.category) element(2, 'category', c);
  element(2, 'event', incident.event);
  element(2, 'urgency', incident.urgency);
  element(2, 'severity', incident.severity);
  element(2, 'certainty', incident.certainty);
  const eventCode = (valueName: string, value: string): void => {
    lines.push('    <eventCode>');
    element(3, 'valueName', valueName);
    element(3, 'value', value);
    lines.push('    </eventCode>');
  };
  if (category) eventCode('GB/T 35561 category', `${category.code} ${category.nameZh}`);
  if (subType) eventCode('GB/T 35561 sub-type', `${subType.code} ${subType.nameZh}`);
  element(2, 'headline', incident.headline);
  if (incident.description !== '') element(2, 'description', incident.description);
  element(2, 'instruction', incident.instruction);
  const parameter = (valueName: string, value: string): void => {
    lines.push('    <parameter>');
    element(3, 'valueName', valueName);
    element(3, 'value', value);
    lines.push('    </parameter>');
  };
  if (level) parameter('level', `${level.numeral}级 ${level.nameZh} (${level.colour})`);
  parameter('state', incident.state);
  for (const asset of incident.assets) parameter(`asset:${asset.kind}`, asset.id);
  const area = incident.area ?? areaOfFootprint(incident.footprint);
  lines.push('    <area>');
  element(3, 'areaDesc', area.areaDesc);
  for (const ring of area.polygons) element(3, 'polygon', capPolygon(ring));
  for (const circle of area.circles) element(3, 'circle', `${capPoint(circle.centre)} ${formatNumber(circle.radiusMetres / 1000, 3)}`);
  lines.push('    </area>', '  </info>', '</alert>', '');
  return lines.join('\n');
}

export function escapeXml(value: string): string {
  // Characters XML cannot carry at all are dropped; the record's parser refuses them anyway.
  return value
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** CAP's identifier and sender must not contain spaces, commas, '<' or '&'. */
function capToken(value: string): string {
  return value.replace(/[\s,<&]+/g, '_');
}

/** CAP time: seconds, an explicit offset, and UTC written as "-00:00" (CAP 1.2 §3.3.2: no "Z"). */
export function capTime(iso: string): string {
  return `${new Date(iso).toISOString().slice(0, 19)}-00:00`;
}

/** "lat,lon": CAP's order is the reverse of ours. */
function capPoint([lon, lat]: LonLat): string {
  return `${formatNumber(lat, 7)},${formatNumber(lon, 7)}`;
}

/** A closed ring of at least four points, as CAP requires. */
function capPolygon(ring: readonly LonLat[]): string {
  const first = ring[0]!;
  const last = ring[ring.length - 1]!;
  const closed = first[0] === last[0] && first[1] === last[1] ? ring : [...ring, first];
  return closed.map(capPoint).join(' ');
}

function areaOfFootprint(footprint: Footprint): NotifyArea {
  const areaDesc = '事发地点 Incident location';
  if (footprint.kind === 'point') return { areaDesc, polygons: [], circles: [{ centre: footprint.at, radiusMetres: 0 }] };
  if (footprint.kind === 'circle') return { areaDesc, polygons: [], circles: [{ centre: footprint.centre, radiusMetres: footprint.radiusMetres }] };
  return { areaDesc, polygons: [footprint.ring], circles: [] };
}

/** Fixed-point without trailing zeros (never exponent notation, which CAP readers may not parse). */
function formatNumber(value: number, decimals: number): string {
  const fixed = value.toFixed(decimals);
  const trimmed = fixed.includes('.') ? fixed.replace(/\.?0+$/, '') : fixed;
  return trimmed === '-0' ? '0' : trimmed;
}
