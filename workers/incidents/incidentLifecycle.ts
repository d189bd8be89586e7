import type { Dispatch, DispatchState, Incident, IncidentDraft, IncidentState, OpenIncidentState, ResourceKind, StateDeadlines } from '../formats/incident.js';
import { OPEN_INCIDENT_STATES } from '../formats/incident.js';
import { emergencyLevel, emergencySubType } from '../standards/gbt35561.js';

/**
 * The incident lifecycle as a pure state machine: each function takes a record and returns
 * the next one (a new object; the input is not touched) or a refusal saying why. The server
 * stores what comes out; nothing here reads a clock or a database.
 */

/** Where each state may go. Cancelling is allowed from every open state; final states go nowhere. */
export const INCIDENT_TRANSITIONS: Readonly<Record<IncidentState, readonly IncidentState[]>> = {
  reported: ['verified', 'cancelled'],
  verified: ['responding', 'cancelled'],
  responding: ['contained', 'cancelled'],
  contained: ['closed', 'cancelled'],
  closed: [],
  cancelled: [],
};

/** A unit may be recalled (released) at any point before it is released. */
export const DISPATCH_TRANSITIONS: Readonly<Record<DispatchState, readonly DispatchState[]>> = {
  assigned: ['en-route', 'released'],
  'en-route': ['on-scene', 'released'],
  'on-scene': ['released'],
  released: [],
};

export type LifecycleRefusal = { refused: 'illegal-transition' | 'incident-closed' | 'no-such-dispatch' | 'duplicate-unit'; message: string };
export type LifecycleResult = { incident: Incident } | LifecycleRefusal;

/** Who and when, passed in by the caller. */
export interface Actor {
  by: string;
  /** ISO 8601 UTC. */
  at: string;
}

export function isOpenState(state: IncidentState): state is OpenIncidentState {
  return (OPEN_INCIDENT_STATES as readonly string[]).includes(state);
}

export function canTransition(from: IncidentState, to: IncidentState): boolean {
  return INCIDENT_TRANSITIONS[from].includes(to);
}

/** When a state entered at `since` becomes overdue, or null (final state, or no deadline set). */
export function deadlineOf(state: IncidentState, since: string, deadlines: StateDeadlines): string | null {
  if (!isOpenState(state)) return null;
  const minutes = deadlines[state];
  if (minutes === undefined || !(minutes > 0)) return null;
  return new Date(Date.parse(since) + minutes * 60_000).toISOString();
}

/** The record with `overdue` computed for `nowMs` (what the server serves). */
export function withOverdue(incident: Incident, nowMs: number): Incident {
  const overdue = incident.deadline !== null && Date.parse(incident.deadline) <= nowMs;
  return overdue === incident.overdue ? incident : { ...incident, overdue };
}

/**
 * A new incident in state `reported` from a draft (already validated: parseIncidentDraft).
 * CAP severity defaults from the level (Ⅰ → Extreme …), CAP category from the sub-type.
 */
export function openIncident(draft: IncidentDraft, context: Actor & { id: string; sender: string; deadlines: StateDeadlines }): Incident {
  const level = emergencyLevel(draft.classification.level);
  const subType = emergencySubType(draft.classification.category, draft.classification.subType);
  return {
    id: context.id,
    version: 1,
    sender: context.sender,
    sent: context.at,
    updated: context.at,
    status: draft.exercise ? 'Exercise' : 'Actual',
    msgType: 'Alert',
    scope: draft.scope ?? 'Restricted',
    ...((draft.scope ?? 'Restricted') === 'Restricted' ? { restriction: draft.restriction ?? 'emergency command staff' } : {}),
    category: draft.category ?? [subType?.capCategory ?? 'Other'],
    event: draft.event,
    urgency: draft.urgency ?? 'Immediate',
    severity: draft.severity ?? level?.capSeverity ?? 'Unknown',
    certainty: draft.certainty ?? (draft.source?.kind === 'rule' ? 'Likely' : 'Observed'),
    headline: draft.headline,
    description: draft.description ?? '',
    ...(draft.instruction !== undefined ? { instruction: draft.instruction } : {}),
    classification: { ...draft.classification },
    footprint: draft.footprint,
    area: draft.area ?? null,
    assets: draft.assets ?? [],
    source: draft.source ?? { kind: 'manual' },
    state: 'reported',
    stateSince: context.at,
    deadline: deadlineOf('reported', context.at, context.deadlines),
    overdue: false,
    createdBy: context.by,
    history: [{ at: context.at, by: context.by, from: null, to: 'reported' }],
    notes: [],
    dispatches: [],
  };
}

/** The next version of a record: counters and CAP message type follow every change. */
function changed(incident: Incident, actor: Actor, patch: Partial<Incident>): Incident {
  const next = { ...incident, ...patch, version: incident.version + 1, updated: actor.at };
  next.msgType = next.state === 'cancelled' ? 'Cancel' : 'Update';
  return next;
}

export function transitionIncident(incident: Incident, to: IncidentState, actor: Actor & { deadlines: StateDeadlines; note?: string }): LifecycleResult {
  if (!canTransition(incident.state, to)) {
    const allowed = INCIDENT_TRANSITIONS[incident.state];
    return {
      refused: 'illegal-transition',
      message:
        `an incident cannot go from ${incident.state} to ${to}` + (allowed.length > 0 ? ` (allowed: ${allowed.join(', ')})` : ` (${incident.state} is final)`),
    };
  }
  const step = { at: actor.at, by: actor.by, from: incident.state, to, ...(actor.note ? { note: actor.note } : {}) };
  return {
    incident: changed(incident, actor, {
      state: to,
      stateSince: actor.at,
      deadline: deadlineOf(to, actor.at, actor.deadlines),
      overdue: false,
      history: [...incident.history, step],
    }),
  };
}

export function addIncidentNote(incident: Incident, text: string, actor: Actor & { noteId: string }): LifecycleResult {
  return { incident: changed(incident, actor, { notes: [...incident.notes, { id: actor.noteId, at: actor.at, by: actor.by, text }] }) };
}

export interface DispatchRequest {
  unitId: string;
  unitKind: ResourceKind;
  unitName?: string;
  etaSeconds?: number;
}

/** Sends a unit: refused on a closed or cancelled incident, or when the unit is already out on it. */
export function addDispatch(incident: Incident, request: DispatchRequest, actor: Actor & { dispatchId: string }): LifecycleResult {
  if (!isOpenState(incident.state)) return { refused: 'incident-closed', message: `the incident is ${incident.state}: no unit can be sent` };
  if (incident.dispatches.some((d) => d.unitId === request.unitId && d.state !== 'released'))
    return { refused: 'duplicate-unit', message: `unit ${request.unitId} is already dispatched to this incident` };
  const dispatch: Dispatch = {
    id: actor.dispatchId,
    unitId: request.unitId,
    unitKind: request.unitKind,
    ...(request.unitName !== undefined ? { unitName: request.unitName } : {}),
    ...(request.etaSeconds !== undefined ? { etaSeconds: request.etaSeconds } : {}),
    state: 'assigned',
    history: [{ at: actor.at, by: actor.by, from: null, to: 'assigned' }],
  };
  return { incident: changed(incident, actor, { dispatches: [...incident.dispatches, dispatch] }) };
}

/** Moves a dispatched unit on; releasing is allowed after the incident closed (units come home). */
export function transitionDispatch(incident: Incident, dispatchId: string, to: DispatchState, actor: Actor): LifecycleResult {
  const index = incident.dispatches.findIndex((d) => d.id === dispatchId);
  const dispatch = incident.dispatches[index];
  if (!dispatch) return { refused: 'no-such-dispatch', message: `no dispatch ${dispatchId} on this incident` };
  if (!DISPATCH_TRANSITIONS[dispatch.state].includes(to)) return { refused: 'illegal-transition', message: `a unit cannot go from ${dispatch.state} to ${to}` };
  if (!isOpenState(incident.state) && to !== 'released')
    return { refused: 'incident-closed', message: `the incident is ${incident.state}: its units can only be released` };
  const next: Dispatch = { ...dispatch, state: to, history: [...dispatch.history, { at: actor.at, by: actor.by, from: dispatch.state, to }] };
  const dispatches = incident.dispatches.map((d, i) => (i === index ? next : d));
  return { incident: changed(incident, actor, { dispatches }) };
}
