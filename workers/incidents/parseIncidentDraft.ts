import {
  CAP_CATEGORIES,
  CAP_CERTAINTIES,
  CAP_SEVERITIES,
  CAP_URGENCIES,
  DISPATCH_STATES,
  INCIDENT_STATES,
  type DispatchState,
  type Footprint,
  type IncidentAsset,
  type IncidentDraft,
  type IncidentSource,
  type IncidentState,
  type LonLat,
  type NotifyArea,
} from '../formats/incident.js';
import { emergencyLevel, emergencySubType } from '../standards/gbt35561.js';
import type { DispatchRequest } from './incidentLifecycle.js';

/**
 * Checks untrusted JSON (an HTTP body) field by field: a refusal names the first bad field
 * ("footprint.centre[1]") and says what it must be. Text must be characters XML 1.0 can carry
 * (the record is exported as CAP XML), within a length bound.
 */
export type Parsed<T> = { value: T } | { field: string; message: string };

class FieldError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

const ASSET_KINDS: readonly IncidentAsset['kind'][] = ['pipe', 'node', 'valve', 'building', 'sensor', 'poi'];
const RESOURCE_KINDS = ['fire', 'medical', 'police', 'utility'] as const;
/** Characters outside XML 1.0's Char production (C0 controls but tab/newline/CR, lone surrogates, U+FFFE/FFFF). */
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
const MAX_VERTICES = 10_000;
const MAX_ASSETS = 1_000;
const MAX_RADIUS_METRES = 1_000_000;

export function parseIncidentDraft(body: unknown): Parsed<IncidentDraft> {
  return parsing(() => {
    const o = object(body, 'body');
    const classification = object(o['classification'], 'classification');
    const category = text(classification['category'], 'classification.category', 40);
    const subType = text(classification['subType'], 'classification.subType', 40);
    if (!emergencySubType(category, subType))
      throw new FieldError('classification.subType', `"${subType}" is not a GB/T 35561 sub-type of category "${category}" (workers/standards/gbt35561.ts)`);
    const level = text(classification['level'], 'classification.level', 4);
    if (!emergencyLevel(level)) throw new FieldError('classification.level', 'must be one of I, II, III, IV');
    const draft: IncidentDraft = {
      event: text(o['event'], 'event', 200),
      headline: text(o['headline'], 'headline', 200),
      classification: { category: category as IncidentDraft['classification']['category'], subType, level: level as IncidentDraft['classification']['level'] },
      footprint: footprint(o['footprint'], 'footprint'),
    };
    if (o['description'] !== undefined) draft.description = text(o['description'], 'description', 10_000, true);
    if (o['instruction'] !== undefined) draft.instruction = text(o['instruction'], 'instruction', 10_000, true);
    if (o['area'] !== undefined && o['area'] !== null) draft.area = notifyArea(o['area'], 'area');
    if (o['assets'] !== undefined) draft.assets = assets(o['assets'], 'assets');
    if (o['exercise'] !== undefined) draft.exercise = boolean(o['exercise'], 'exercise');
    if (o['scope'] !== undefined) draft.scope = oneOf(o['scope'], 'scope', ['Public', 'Restricted'] as const);
    if (o['restriction'] !== undefined) draft.restriction = text(o['restriction'], 'restriction', 200);
    if (o['category'] !== undefined) {
      const list = array(o['category'], 'category', 12);
      if (list.length === 0) throw new FieldError('category', 'needs at least one CAP category');
      draft.category = list.map((c, i) => oneOf(c, `category[${i}]`, CAP_CATEGORIES));
    }
    if (o['urgency'] !== undefined) draft.urgency = oneOf(o['urgency'], 'urgency', CAP_URGENCIES);
    if (o['severity'] !== undefined) draft.severity = oneOf(o['severity'], 'severity', CAP_SEVERITIES);
    if (o['certainty'] !== undefined) draft.certainty = oneOf(o['certainty'], 'certainty', CAP_CERTAINTIES);
    if (o['source'] !== undefined) draft.source = source(o['source'], 'source');
    return draft;
  });
}

/** `{"to": "<state>", "note"?: "..."}` */
export function parseTransitionRequest(body: unknown): Parsed<{ to: IncidentState; note?: string }> {
  return parsing(() => {
    const o = object(body, 'body');
    const to = oneOf(o['to'], 'to', INCIDENT_STATES);
    return o['note'] === undefined ? { to } : { to, note: text(o['note'], 'note', 2_000, true) };
  });
}

/** `{"text": "..."}` */
export function parseNoteRequest(body: unknown): Parsed<{ text: string }> {
  return parsing(() => ({ text: text(object(body, 'body')['text'], 'text', 10_000) }));
}

/** `{"unitId", "unitKind", "unitName"?, "etaSeconds"?}` */
export function parseDispatchRequest(body: unknown): Parsed<DispatchRequest> {
  return parsing(() => {
    const o = object(body, 'body');
    const request: DispatchRequest = { unitId: identifier(o['unitId'], 'unitId'), unitKind: oneOf(o['unitKind'], 'unitKind', RESOURCE_KINDS) };
    if (o['unitName'] !== undefined) request.unitName = text(o['unitName'], 'unitName', 200);
    if (o['etaSeconds'] !== undefined) request.etaSeconds = number(o['etaSeconds'], 'etaSeconds', 0, 7 * 86_400);
    return request;
  });
}

/** `{"to": "<dispatch state>"}` */
export function parseDispatchTransition(body: unknown): Parsed<{ to: DispatchState }> {
  return parsing(() => ({ to: oneOf(object(body, 'body')['to'], 'to', DISPATCH_STATES) }));
}

function parsing<T>(parse: () => T): Parsed<T> {
  try {
    return { value: parse() };
  } catch (error) {
    if (error instanceof FieldError) return { field: error.field, message: error.message };
    throw error;
  }
}

function object(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new FieldError(field, 'must be a JSON object');
  return value as Record<string, unknown>;
}

function array(value: unknown, field: string, max: number): unknown[] {
  if (!Array.isArray(value)) throw new FieldError(field, 'must be an array');
  if (value.length > max) throw new FieldError(field, `at most ${max} items`);
  return value;
}

function text(value: unknown, field: string, maxLength: number, emptyAllowed = false): string {
  if (typeof value !== 'string') throw new FieldError(field, 'must be a string');
  if (!emptyAllowed && value.trim() === '') throw new FieldError(field, 'must not be empty');
  if (value.length > maxLength) throw new FieldError(field, `at most ${maxLength} characters`);
  if (NOT_XML_CHAR.test(value)) throw new FieldError(field, 'holds a control character or a lone surrogate');
  return value;
}

/** Ids as in the tiles: no spaces, commas, '<' or '&' (they travel inside CAP text too). */
function identifier(value: unknown, field: string): string {
  const id = text(value, field, 200);
  if (/[\s,<&]/.test(id)) throw new FieldError(field, 'must not contain spaces, commas, "<" or "&"');
  return id;
}

function number(value: unknown, field: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new FieldError(field, 'must be a finite number');
  if (value < min || value > max) throw new FieldError(field, `must be between ${min} and ${max}`);
  return value;
}

function boolean(value: unknown, field: string): boolean {
  if (typeof value !== 'boolean') throw new FieldError(field, 'must be true or false');
  return value;
}

function oneOf<T extends string>(value: unknown, field: string, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) throw new FieldError(field, `must be one of ${allowed.join(', ')}`);
  return value as T;
}

function lonLat(value: unknown, field: string): LonLat {
  if (!Array.isArray(value) || value.length !== 2) throw new FieldError(field, 'must be [lon, lat]');
  return [number(value[0], `${field}[0]`, -180, 180), number(value[1], `${field}[1]`, -90, 90)];
}

function ring(value: unknown, field: string): LonLat[] {
  const points = array(value, field, MAX_VERTICES).map((p, i) => lonLat(p, `${field}[${i}]`));
  const first = points[0];
  const last = points[points.length - 1];
  const distinct = first && last && first[0] === last[0] && first[1] === last[1] ? points.length - 1 : points.length;
  if (distinct < 3) throw new FieldError(field, 'a polygon needs at least 3 distinct corners');
  return points;
}

function radius(value: unknown, field: string): number {
  return number(value, field, 0, MAX_RADIUS_METRES);
}

function footprint(value: unknown, field: string): Footprint {
  const o = object(value, field);
  const kind = oneOf(o['kind'], `${field}.kind`, ['point', 'circle', 'polygon'] as const);
  if (kind === 'point') return { kind, at: lonLat(o['at'], `${field}.at`) };
  if (kind === 'circle') return { kind, centre: lonLat(o['centre'], `${field}.centre`), radiusMetres: radius(o['radiusMetres'], `${field}.radiusMetres`) };
  return { kind, ring: ring(o['ring'], `${field}.ring`) };
}

function notifyArea(value: unknown, field: string): NotifyArea {
  const o = object(value, field);
  return {
    areaDesc: text(o['areaDesc'], `${field}.areaDesc`, 500),
    polygons: array(o['polygons'] ?? [], `${field}.polygons`, 100).map((r, i) => ring(r, `${field}.polygons[${i}]`)),
    circles: array(o['circles'] ?? [], `${field}.circles`, 100).map((c, i) => {
      const circle = object(c, `${field}.circles[${i}]`);
      return {
        centre: lonLat(circle['centre'], `${field}.circles[${i}].centre`),
        radiusMetres: radius(circle['radiusMetres'], `${field}.circles[${i}].radiusMetres`),
      };
    }),
  };
}

function assets(value: unknown, field: string): IncidentAsset[] {
  return array(value, field, MAX_ASSETS).map((a, i) => {
    const o = object(a, `${field}[${i}]`);
    return { kind: oneOf(o['kind'], `${field}[${i}].kind`, ASSET_KINDS), id: identifier(o['id'], `${field}[${i}].id`) };
  });
}

/** A client may say an incident came from an alarm, or nothing (manual); rules propose through the server. */
function source(value: unknown, field: string): IncidentSource {
  const o = object(value, field);
  const kind = oneOf(o['kind'], `${field}.kind`, ['alarm', 'manual'] as const);
  if (kind === 'manual') return { kind };
  const time = text(o['phenomenonTime'], `${field}.phenomenonTime`, 40);
  if (!Number.isFinite(Date.parse(time))) throw new FieldError(`${field}.phenomenonTime`, 'must be an ISO 8601 time');
  const alarm: IncidentSource = {
    kind,
    datastreamId: number(o['datastreamId'], `${field}.datastreamId`, 1, Number.MAX_SAFE_INTEGER),
    sensorType: text(o['sensorType'], `${field}.sensorType`, 60),
    phenomenonTime: new Date(time).toISOString(),
  };
  if (!Number.isInteger(alarm.datastreamId)) throw new FieldError(`${field}.datastreamId`, 'must be an integer');
  if (o['sensorName'] !== undefined) alarm.sensorName = text(o['sensorName'], `${field}.sensorName`, 200);
  if (o['value'] !== undefined) alarm.value = number(o['value'], `${field}.value`, -Number.MAX_VALUE, Number.MAX_VALUE);
  return alarm;
}
