import type { AuditEntryInput } from '../store/Store.js';
import type { DataRequester } from './requesterOf.js';

/** One `data.read` entry per user and target in this window at most (a chart or a replay reads many times a minute). */
export const DATA_READ_AUDIT_WINDOW_MS = 10 * 60_000;
/** Remembered (user, target) pairs at most before the old ones are dropped. */
const MAX_REMEMBERED = 10_000;

/**
 * The audit of reads of controlled data (a pipe sensor's series, a replay's state of pipe
 * sensors): an entry `data.read` per user and target, at most once per window, so the log says
 * who looked at what and when without one line per request. Written before the answer: a read
 * the audit log cannot record is not served (the store's error answers it).
 */
export class DataReadAudit {
  private readonly lastWritten = new Map<string, number>();

  constructor(
    private readonly store: { appendAudit(entry: AuditEntryInput): Promise<void> },
    private readonly windowMs = DATA_READ_AUDIT_WINDOW_MS,
    private readonly now: () => number = Date.now,
  ) {}

  async record(requester: DataRequester, target: string, detail: Record<string, unknown>): Promise<void> {
    const now = this.now();
    const key = `${requester.username}\u0000${target}`;
    const last = this.lastWritten.get(key);
    if (last !== undefined && now - last < this.windowMs) return;
    await this.store.appendAudit({
      at: new Date(now).toISOString(),
      actor: requester.username,
      role: requester.role,
      action: 'data.read',
      target,
      detail: JSON.stringify(detail),
      source: requester.source,
    });
    this.lastWritten.delete(key); // re-inserted last: the map's order is the order of writing
    this.lastWritten.set(key, now);
    if (this.lastWritten.size > MAX_REMEMBERED) this.forgetOld(now);
  }

  private forgetOld(now: number): void {
    for (const [key, at] of this.lastWritten) {
      if (now - at < this.windowMs && this.lastWritten.size <= MAX_REMEMBERED) break;
      this.lastWritten.delete(key);
    }
  }
}
