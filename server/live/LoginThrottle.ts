import { isIPv6 } from 'node:net';

/** A source's failed logins in one window. */
export interface LoginFailures {
  source: string;
  /** Wrong credentials that were checked. */
  failures: number;
  /** Attempts refused unchecked while the source was locked out. */
  refused: number;
}

interface Window extends LoginFailures {
  startedAt: number;
}

/**
 * Failed logins per source address. After `maxFailures` failures in a window the source is
 * locked out until that window ends: its further attempts are refused without checking the
 * password, so guessing gains nothing (10 guesses a minute by default). Each window's failures
 * are summed up per source for one log line instead of one per attempt. Other sources are not
 * affected. The clock is passed in.
 */
export class LoginThrottle {
  private readonly windows = new Map<string, Window>();
  private ended: LoginFailures[] = [];

  constructor(
    readonly maxFailures: number,
    readonly windowMs: number,
  ) {}

  /**
   * The source an address counts for: an IPv4 address itself, an IPv6 address's /64 (one host
   * usually holds a whole /64, so its addresses are one source).
   */
  static sourceOf(address: string): string {
    const plain = address.replace(/%.*$/, '').replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '');
    if (!isIPv6(plain)) return plain;
    const [head = '', tail] = plain.split('::');
    const headGroups = head ? head.split(':') : [];
    const tailGroups = tail ? tail.split(':') : [];
    const groups = [...headGroups, ...Array<string>(8 - headGroups.length - tailGroups.length).fill('0'), ...tailGroups];
    return `${groups
      .slice(0, 4)
      .map((group) => parseInt(group, 16).toString(16))
      .join(':')}::/64`;
  }

  isLockedOut(source: string, now: number): boolean {
    const window = this.current(source, now);
    return window !== undefined && window.failures >= this.maxFailures;
  }

  recordFailure(source: string, now: number): void {
    this.open(source, now).failures++;
  }

  recordRefusal(source: string, now: number): void {
    this.open(source, now).refused++;
  }

  /** The windows that have ended by `now` (each source once), forgotten here. */
  takeEnded(now: number): LoginFailures[] {
    for (const source of [...this.windows.keys()]) this.current(source, now);
    const ended = this.ended;
    this.ended = [];
    return ended;
  }

  /** The source's window still running at `now`; an ended one moves to `ended`. */
  private current(source: string, now: number): Window | undefined {
    const window = this.windows.get(source);
    if (window && now - window.startedAt >= this.windowMs) {
      this.windows.delete(source);
      this.ended.push({ source, failures: window.failures, refused: window.refused });
      return undefined;
    }
    return window;
  }

  private open(source: string, now: number): Window {
    let window = this.current(source, now);
    if (!window) this.windows.set(source, (window = { source, startedAt: now, failures: 0, refused: 0 }));
    return window;
  }
}
