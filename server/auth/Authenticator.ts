import { createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { LoginThrottle } from '../live/LoginThrottle.js';
import { StartupError } from '../StartupError.js';
import { mayActAs } from '../../workers/formats/dataAccess.js';
import type { Account, Role } from './accountsFromEnv.js';
import { hashPassword, verifyPassword } from './passwordHash.js';

/** Who made a request: the account's name and its role now (a changed role applies to tokens already given). */
export interface Principal {
  username: string;
  role: Role;
  /** When the token it came from expires (ms since the epoch): a long-lived connection (MQTT) is closed then. */
  expiresAt?: number;
}

export type LoginResult = { token: string; expiresAt: string; username: string; role: Role } | { refused: 'bad-credentials' | 'locked-out' };

/** Tokens last a shift. */
const DEFAULT_TOKEN_SECONDS = 12 * 3600;
const ISSUER = 'cim-twin';

/**
 * Sign-in and bearer tokens. A token is a JWT signed with HMAC-SHA256 (jose: a well-kept,
 * dependency-free library that checks algorithm, expiry and issuer for us). The key is
 * CIM_AUTH_SECRET (at least 32 characters; set the same one on every server behind a load
 * balancer), else random for this run, which signs everyone out at a restart. Failed logins
 * are throttled per source address with the broker's LoginThrottle (10 a minute by default):
 * after that, the source's attempts are refused without checking.
 */
export class Authenticator {
  private readonly accounts: Map<string, Account>;
  private readonly throttle: LoginThrottle;
  private readonly logTimer: NodeJS.Timeout;

  private constructor(
    accounts: readonly Account[],
    private readonly key: KeyObject,
    /** A hash checked when the user is unknown, so that a wrong name costs as long as a wrong password. */
    private readonly decoyHash: string,
    private readonly tokenSeconds: number,
    throttle: { maxFailures: number; windowMs: number },
    private readonly log: (line: string) => void,
  ) {
    this.accounts = new Map(accounts.map((a) => [a.username, a]));
    this.throttle = new LoginThrottle(throttle.maxFailures, throttle.windowMs);
    this.logTimer = setInterval(() => this.logFailures(Date.now()), throttle.windowMs);
    this.logTimer.unref();
  }

  static async create(options: {
    accounts: readonly Account[];
    secret?: string | undefined;
    tokenSeconds?: number;
    throttle?: { maxFailures: number; windowMs: number };
    log?: (line: string) => void;
  }): Promise<Authenticator> {
    if (options.secret !== undefined && options.secret.length < 32) throw new StartupError('CIM_AUTH_SECRET needs at least 32 characters');
    const key = createSecretKey(options.secret !== undefined ? Buffer.from(options.secret, 'utf8') : randomBytes(32));
    return new Authenticator(
      options.accounts,
      key,
      await hashPassword(randomBytes(16).toString('hex')),
      options.tokenSeconds ?? DEFAULT_TOKEN_SECONDS,
      options.throttle ?? { maxFailures: 10, windowMs: 60_000 },
      options.log ?? ((line) => console.warn(line)),
    );
  }

  async login(username: string, password: string, address: string, now = Date.now()): Promise<LoginResult> {
    const source = LoginThrottle.sourceOf(address);
    if (this.throttle.isLockedOut(source, now)) {
      this.throttle.recordRefusal(source, now);
      return { refused: 'locked-out' };
    }
    const account = this.accounts.get(username);
    const matches = await verifyPassword(password, account?.passwordHash ?? this.decoyHash);
    if (!account || !matches) {
      this.throttle.recordFailure(source, now);
      return { refused: 'bad-credentials' };
    }
    return this.tokenOf(account, now);
  }

  /**
   * A token for an account without its password: the demo sign-in (POST /api/auth/demo) of a
   * data role's demo account. Undefined for an unknown account.
   */
  async issueToken(username: string, now = Date.now()): Promise<{ token: string; expiresAt: string; username: string; role: Role } | undefined> {
    const account = this.accounts.get(username);
    return account ? this.tokenOf(account, now) : undefined;
  }

  private async tokenOf(account: Account, now: number): Promise<{ token: string; expiresAt: string; username: string; role: Role }> {
    const expires = Math.floor(now / 1000) + this.tokenSeconds;
    const token = await new SignJWT({ role: account.role })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(account.username)
      .setIssuer(ISSUER)
      .setIssuedAt(Math.floor(now / 1000))
      .setExpirationTime(expires)
      .sign(this.key);
    return { token, expiresAt: new Date(expires * 1000).toISOString(), username: account.username, role: account.role };
  }

  /**
   * The request's principal: undefined without an Authorization header, 'invalid' for a token
   * that is malformed, forged, expired, or names an account that no longer exists.
   */
  async principalOf(request: IncomingMessage): Promise<Principal | undefined | 'invalid'> {
    const header = request.headers.authorization;
    if (header === undefined) return undefined;
    const match = /^Bearer (\S+)$/.exec(header.trim());
    return match ? this.principalOfToken(match[1]!) : 'invalid';
  }

  /**
   * A bearer token's principal (an HTTP header's, or the password an MQTT client connects with):
   * 'invalid' for a token that is malformed, forged, signed with another algorithm (`alg: none`
   * included), expired, from another issuer, or names an account that no longer exists.
   */
  async principalOfToken(token: string): Promise<Principal | 'invalid'> {
    if (!/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token)) return 'invalid';
    try {
      const { payload } = await jwtVerify(token, this.key, { algorithms: ['HS256'], issuer: ISSUER });
      const account = payload.sub === undefined ? undefined : this.accounts.get(payload.sub);
      if (!account) return 'invalid';
      return { username: account.username, role: account.role, ...(payload.exp !== undefined ? { expiresAt: payload.exp * 1000 } : {}) };
    } catch (error) {
      if (error instanceof joseErrors.JOSEError) return 'invalid';
      throw error;
    }
  }

  close(): void {
    clearInterval(this.logTimer);
    this.logFailures(Number.POSITIVE_INFINITY);
  }

  private logFailures(now: number): void {
    for (const { source, failures, refused } of this.throttle.takeEnded(now))
      this.log(
        `auth: ${failures} failed login(s) from ${source} within ${this.throttle.windowMs / 1000} s` +
          (refused > 0 ? `; locked out after ${this.throttle.maxFailures}, ${refused} more attempt(s) refused unchecked` : ''),
      );
  }
}

/** Whether `role` may do what `needed` may (data roles < operator < admin; workers/formats/dataAccess.ts). */
export function hasRole(role: Role, needed: 'operator' | 'admin'): boolean {
  return mayActAs(role, needed);
}
