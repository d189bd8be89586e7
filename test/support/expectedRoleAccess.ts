import type { Role } from '../../workers/formats/dataAccess.js';

/**
 * What each role may see, written out for the tests (not computed with the code under test,
 * workers/formats/dataAccess.ts): the pipe categories it reads, or all of them.
 */
export const SEES: Record<Role, 'all' | readonly string[]> = {
  public: [],
  internal: 'all',
  water: ['JS'],
  drainage: ['PS'],
  gas: ['RQ'],
  power: ['DL'],
  telecom: ['TX'],
  heat: ['RL'],
  operator: 'all',
  admin: 'all',
};

/** Whether the role sees something of this category (null: open data, seen by every role). */
export const sees = (role: Role, category: string | null): boolean => category === null || SEES[role] === 'all' || SEES[role].includes(category);
