import { pipeCategoryOf } from '../standards/cjj61Categories.js';

/**
 * Who may see which underground data — one table, read by the server (which enforces it) and by
 * the viewer (which only uses it to explain, never to hide). Underground pipeline data is
 * controlled in China: it reaches intranet users only desensitised, and each utility sees its own
 * network in full. Hiding a layer in the client is not access control; the server sends a role
 * nothing it may not see.
 *
 * - `public`: no token. Buildings, ground, public points of interest; no pipes, no sensors on pipes.
 * - `internal`: every pipe category, attributes desensitised (no owner contacts).
 * - a utility (`water`, `drainage`, `gas`, `power`, `telecom`, `heat`): its own categories with
 *   full attributes, and no other category (least privilege: a deployment that wants a utility to
 *   see the rest gives it a second, internal account).
 * - `operator` (runs incidents) and `admin` (also reads the audit log): everything, in full — the
 *   command centre calls the owner during a burst.
 */
export const ROLES = ['public', 'internal', 'water', 'drainage', 'gas', 'power', 'telecom', 'heat', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const UTILITY_ROLES = ['water', 'drainage', 'gas', 'power', 'telecom', 'heat'] as const;
export type UtilityRole = (typeof UTILITY_ROLES)[number];

/** The CJJ 61 categories each utility owns (codes of `workers/standards/cjj61Categories.ts`). */
export const UTILITY_CATEGORIES: Readonly<Record<UtilityRole, readonly string[]>> = {
  water: ['JS'],
  drainage: ['PS'],
  gas: ['RQ'],
  power: ['DL'],
  telecom: ['TX'],
  heat: ['RL'],
};

/**
 * Attributes that never leave the server desensitised: the owner's contact person and phone
 * (survey column names as the seeds and CJJ 61 tables write them, and their English forms).
 */
export const SENSITIVE_PIPE_FIELDS: readonly string[] = ['权属联系人', '联系电话', 'ownerContact', 'ownerPhone'];

export type AttributeLevel = 'full' | 'desensitised';

/** What a role may see of the pipe networks. */
export interface PipeAccess {
  /** Whether the role sees every category (including ones no utility owns: industrial, tunnels, other). */
  allCategories: boolean;
  /** The categories it sees when not all of them. */
  categories: readonly string[];
  attributes: AttributeLevel;
}

const ACTION_RANK: Readonly<Record<Role, number>> = {
  public: 0,
  internal: 1,
  water: 1,
  drainage: 1,
  gas: 1,
  power: 1,
  telecom: 1,
  heat: 1,
  operator: 2,
  admin: 3,
};

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

export function isUtilityRole(role: Role): role is UtilityRole {
  return (UTILITY_ROLES as readonly string[]).includes(role);
}

/** Whether `role` may act as `needed` does (running incidents: operator; the audit log: admin). Data roles act as nobody. */
export function mayActAs(role: Role, needed: 'operator' | 'admin'): boolean {
  return ACTION_RANK[role] >= ACTION_RANK[needed];
}

export function pipeAccessOf(role: Role): PipeAccess {
  if (role === 'public') return { allCategories: false, categories: [], attributes: 'desensitised' };
  if (role === 'internal') return { allCategories: true, categories: [], attributes: 'desensitised' };
  if (isUtilityRole(role)) return { allCategories: false, categories: UTILITY_CATEGORIES[role], attributes: 'full' };
  return { allCategories: true, categories: [], attributes: 'full' };
}

/**
 * Whether the role sees pipes of this category. `category` is a CJJ 61 code or sub-type as
 * surveys write it (雨水 YS is drainage); an unknown code is visible only to roles that see all.
 */
export function maySeeCategory(role: Role, category: string): boolean {
  const access = pipeAccessOf(role);
  if (access.allCategories) return true;
  const code = pipeCategoryOf(category)?.code;
  return code !== undefined && access.categories.includes(code);
}

/** A pipe's attributes as the role may read them: sensitive fields dropped when desensitised. */
export function attributesFor<T extends Record<string, unknown>>(role: Role, attributes: T): Partial<T> {
  if (pipeAccessOf(role).attributes === 'full') return attributes;
  const kept: Partial<T> = {};
  for (const [key, value] of Object.entries(attributes)) if (!SENSITIVE_PIPE_FIELDS.includes(key)) (kept as Record<string, unknown>)[key] = value;
  return kept;
}
