import { randomBytes } from 'node:crypto';
import {
  INCIDENT_FORMAT_VERSION,
  incidentTopic,
  type DispatchState,
  type Incident,
  type IncidentChangeKind,
  type IncidentChangeMessage,
  type IncidentDraft,
  type IncidentProposal,
  type IncidentState,
  type StateDeadlines,
} from '../../workers/formats/incident.js';
import {
  addDispatch,
  addIncidentNote,
  type DispatchRequest,
  isOpenState,
  type LifecycleRefusal,
  openIncident,
  transitionDispatch,
  transitionIncident,
  withOverdue,
} from '../../workers/incidents/incidentLifecycle.js';
import type { AuditEntryInput, Store } from '../store/Store.js';
import type { ProposeIncident } from './proposeIncident.js';

/** Who asks, as the audit log records it. */
export interface Requester {
  username: string;
  role: string;
  /** Client address, or 'server'. */
  source: string;
}

/** Publishes one MQTT message from the server itself (the embedded broker's own publish). */
export type IncidentPublisher = (topic: string, payload: Buffer, retain: boolean) => void;

export type ServiceResult = { incident: Incident } | { status: 404 | 409; message: string };

/** Default minutes per state before an incident is flagged overdue (CIM_INCIDENT_DEADLINES overrides). */
export const DEFAULT_DEADLINES: StateDeadlines = { reported: 10, verified: 20, responding: 240, contained: 1440 };

/**
 * Incidents for the server: the pure lifecycle (workers/incidents) applied to what the store
 * holds, each change written with its audit entry in one transaction and then pushed over MQTT.
 * Writes in this process take turns, so a read-modify-write never races another here; between
 * servers sharing PostgreSQL, the store's version check refuses the loser with 409.
 *
 * MQTT: an open incident's record is retained on its topic; when it closes or is cancelled,
 * its final record is published once and the retained copy cleared (empty payload), so a
 * connecting viewer receives the open incidents and reads the rest from GET /api/incidents.
 */
export class IncidentService {
  private writes: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly store: Store,
    private readonly options: {
      /** CAP sender id of this deployment. */
      sender: string;
      deadlines: StateDeadlines;
      publish?: IncidentPublisher | undefined;
      /** Each incident as stored, before it is published (IncidentAccess remembers its scope). */
      onChange?: (incident: Incident) => void;
      now?: () => number;
    },
  ) {}

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  async list(): Promise<Incident[]> {
    const now = this.now();
    return (await this.store.listIncidents()).map((i) => withOverdue(i, now));
  }

  /** The incidents as they were at `at` (ms; history and replay), overdue as of then. */
  async listAt(at: number): Promise<Incident[]> {
    return (await this.store.incidentsAt(at)).map((i) => withOverdue(i, at));
  }

  async get(id: string): Promise<Incident | undefined> {
    const incident = await this.store.getIncident(id);
    return incident && withOverdue(incident, this.now());
  }

  create(draft: IncidentDraft, by: Requester): Promise<Incident> {
    return this.inTurn(async () => {
      for (;;) {
        const at = new Date(this.now()).toISOString();
        const incident = openIncident(draft, { id: newIncidentId(at), sender: this.options.sender, by: by.username, at, deadlines: this.options.deadlines });
        const audit = auditOf(by, at, 'incident.create', incident.id, {
          event: incident.event,
          level: incident.classification.level,
          source: incident.source.kind,
        });
        // A clash of random ids (1 in 16M a day) just draws another.
        if (await this.store.saveIncident(incident, undefined, audit)) {
          this.publish(incident, 'created', by.username);
          return withOverdue(incident, this.now());
        }
      }
    });
  }

  /** A rule's proposal: a new incident, or the open one already proposed for the same situation. */
  readonly propose: ProposeIncident = (proposal: IncidentProposal) =>
    this.inTurn(async () => {
      const open = (await this.store.listIncidents()).find(
        (i) => isOpenState(i.state) && i.source.kind === 'rule' && i.source.ruleId === proposal.source.ruleId && i.dedupeKey === proposal.dedupeKey,
      );
      if (open) return { incident: withOverdue(open, this.now()), created: false };
      const { dedupeKey, ...draft } = proposal;
      for (;;) {
        const at = new Date(this.now()).toISOString();
        const by = `rule:${proposal.source.ruleId}`;
        const incident: Incident = {
          ...openIncident(draft, { id: newIncidentId(at), sender: this.options.sender, by, at, deadlines: this.options.deadlines }),
          dedupeKey,
        };
        const audit = auditOf({ username: by, role: 'rule', source: 'server' }, at, 'incident.propose', incident.id, {
          ruleId: proposal.source.ruleId,
          dedupeKey,
        });
        if (await this.store.saveIncident(incident, undefined, audit)) {
          this.publish(incident, 'created', by);
          return { incident: withOverdue(incident, this.now()), created: true };
        }
      }
    });

  transition(id: string, to: IncidentState, note: string | undefined, by: Requester): Promise<ServiceResult> {
    return this.change(id, by, 'transition', 'incident.transition', (incident, at) => ({
      result: transitionIncident(incident, to, { by: by.username, at, deadlines: this.options.deadlines, ...(note ? { note } : {}) }),
      detail: { from: incident.state, to },
    }));
  }

  addNote(id: string, text: string, by: Requester): Promise<ServiceResult> {
    return this.change(id, by, 'note', 'incident.note', (incident, at) => {
      const noteId = `N${incident.notes.length + 1}`;
      return { result: addIncidentNote(incident, text, { by: by.username, at, noteId }), detail: { note: noteId, length: text.length } };
    });
  }

  dispatch(id: string, request: DispatchRequest, by: Requester): Promise<ServiceResult> {
    return this.change(id, by, 'dispatch', 'dispatch.assign', (incident, at) => {
      const dispatchId = `D${incident.dispatches.length + 1}`;
      return {
        result: addDispatch(incident, request, { by: by.username, at, dispatchId }),
        detail: { dispatch: dispatchId, unitId: request.unitId, unitKind: request.unitKind },
      };
    });
  }

  transitionDispatch(id: string, dispatchId: string, to: DispatchState, by: Requester): Promise<ServiceResult> {
    return this.change(id, by, 'dispatch', 'dispatch.transition', (incident, at) => ({
      result: transitionDispatch(incident, dispatchId, to, { by: by.username, at }),
      detail: { dispatch: dispatchId, from: incident.dispatches.find((d) => d.id === dispatchId)?.state ?? null, to },
    }));
  }

  /** Retains every open incident on its topic again (at start: the broker keeps retained messages in memory only). */
  async publishOpen(): Promise<number> {
    const open = (await this.store.listIncidents()).filter((i) => isOpenState(i.state));
    for (const incident of open) this.publish(incident, 'updated', 'server');
    return open.length;
  }

  private change(
    id: string,
    by: Requester,
    kind: IncidentChangeKind,
    action: string,
    apply: (incident: Incident, at: string) => { result: { incident: Incident } | LifecycleRefusal; detail: object },
  ): Promise<ServiceResult> {
    return this.inTurn(async () => {
      const previous = await this.store.getIncident(id);
      if (!previous) return { status: 404, message: `no incident ${id}` };
      const at = new Date(Math.max(this.now(), Date.parse(previous.updated))).toISOString();
      const { result, detail } = apply(previous, at);
      if ('refused' in result) return { status: result.refused === 'no-such-dispatch' ? 404 : 409, message: result.message };
      if (!(await this.store.saveIncident(result.incident, previous, auditOf(by, at, action, id, detail))))
        return { status: 409, message: `incident ${id} was changed by someone else meanwhile: reload it and try again` };
      this.publish(result.incident, kind, by.username);
      return { incident: withOverdue(result.incident, this.now()) };
    });
  }

  private publish(incident: Incident, change: IncidentChangeKind, by: string): void {
    this.options.onChange?.(incident);
    const publish = this.options.publish;
    if (!publish) return;
    const message: IncidentChangeMessage = { version: INCIDENT_FORMAT_VERSION, change, by, at: incident.updated, incident: withOverdue(incident, this.now()) };
    const topic = incidentTopic(incident.id);
    const open = isOpenState(incident.state);
    publish(topic, Buffer.from(JSON.stringify(message)), open);
    if (!open) publish(topic, Buffer.alloc(0), true);
  }

  private inTurn<T>(work: () => Promise<T>): Promise<T> {
    const result = this.writes.then(work);
    this.writes = result.catch(() => undefined);
    return result;
  }
}

/** `INC-20261130-4F7A2C`: the day it was opened and 24 random bits, readable over a radio. */
function newIncidentId(at: string): string {
  return `INC-${at.slice(0, 10).replace(/-/g, '')}-${randomBytes(3).toString('hex').toUpperCase()}`;
}

function auditOf(by: Requester, at: string, action: string, incidentId: string, detail: object): AuditEntryInput {
  return { at, actor: by.username, role: by.role, action, target: `incident:${incidentId}`, detail: JSON.stringify(detail), source: by.source };
}
