import type { AuditEntryInput } from '../store/Store.js';
import type { DataRequester } from '../auth/requesterOf.js';

export type DataAuditAction = 'data.read' | 'data.refused';

/** Ten minutes: one entry per user, source and target in a window. */
export const DATA_AUDIT_WINDOW_MS = 10 * 60_000;

/**
 * The audit log of reads of sensitive data (a category's tileset, network.json, the build
 * report, a pipe's attributes) and of refusals, rate-limited so a tile storm does not flood
 * it: the first event of a kind per user, source and target in a window is written at once;
 * the ones after it are counted and the count written with the next entry for that key
 * (`detail.since`: events since the previous entry), so nothing goes uncounted. Anonymous
 * refusals are keyed by source address like any other.
 */
export class DataAudit {
  private readonly last = new Map<string, { at: number; suppressed: number }>();

  constructor(
    private readonly append: (entry: AuditEntryInput) => Promise<void>,
    private readonly windowMs = DATA_AUDIT_WINDOW_MS,
    private readonly log: (line: string) => void = (line) => console.warn(line),
  ) {}

  /** Records the event; resolves when it is written (or counted). A store that fails is logged, never the request's failure. */
  async record(
    requester: DataRequester | { username: string; role: string; source: string },
    action: DataAuditAction,
    target: string,
    detail: Record<string, unknown> = {},
    now = Date.now(),
  ): Promise<void> {
    const key = `${action}\u0000${requester.username}\u0000${requester.source}\u0000${target}`;
    const previous = this.last.get(key);
    if (previous && now - previous.at < this.windowMs) {
      previous.suppressed++;
      return;
    }
    this.last.set(key, { at: now, suppressed: 0 });
    if (this.last.size > 100_000) this.forgetBefore(now - this.windowMs);
    const since = 1 + (previous?.suppressed ?? 0);
    try {
      await this.append({
        at: new Date(now).toISOString(),
        actor: requester.username,
        role: requester.role,
        action,
        target,
        detail: JSON.stringify({ ...detail, since }),
        source: requester.source,
      });
    } catch (error) {
      this.log(`audit: could not record ${action} ${target}: ${(error as Error).message}`);
    }
  }

  /** Drops keys whose window has ended (their suppressed counts are lost only past 100k live keys). */
  private forgetBefore(time: number): void {
    for (const [key, value] of this.last) if (value.at < time) this.last.delete(key);
  }
}
