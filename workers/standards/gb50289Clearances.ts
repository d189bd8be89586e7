/**
 * Minimum clear distances between underground utilities, GB 50289-2016 《城市工程管线综合规划规范》
 * Tables 4.1.9 (horizontal) and 4.1.14 (vertical), as transcribed in shared/standards/README.md.
 * Every value here is [K]: taken from a secondary source that matches an older edition; check the
 * 2016 text and its footnotes and correct it here, in one place. Metres.
 */
export const GB50289_SOURCE = 'GB 50289-2016 Tables 4.1.9 / 4.1.14 via shared/standards/README.md [K: verify against the official text]';

type Pair = readonly [string, string];

export interface ClearanceRule {
  between: Pair;
  /** Minimum clear distance in metres; a function when it depends on diameter or pressure. */
  metres: number | ((context: ClearanceContext) => number);
  note?: string;
}

export interface ClearanceContext {
  /** Diameters (m) of the two pipes, in the order of `between`. */
  diameters: [number, number];
  /** Gas pressure class of the gas pipe, when one of them is gas. */
  gasPressure?: 'low' | 'medium' | 'subHighB' | 'subHighA';
}

const gasByPressure =
  (low: number, medium: number, subHighB: number, subHighA: number) =>
  (context: ClearanceContext): number =>
    ({ low, medium, subHighB, subHighA })[context.gasPressure ?? 'medium'];

/** Horizontal clearances between parallel pipes of different categories (CJJ 61 codes). */
export const HORIZONTAL_CLEARANCES: readonly ClearanceRule[] = [
  { between: ['JS', 'PS'], metres: (c) => (c.diameters[0] <= 0.2 ? 1.0 : 1.5), note: 'd ≤ 200 mm: 1.0; d > 200 mm: 1.5' },
  { between: ['JS', 'RQ'], metres: gasByPressure(0.5, 0.5, 1.0, 1.5) },
  { between: ['JS', 'RL'], metres: 1.5 },
  { between: ['JS', 'DL'], metres: 0.5 },
  { between: ['JS', 'TX'], metres: 1.0 },
  { between: ['PS', 'RQ'], metres: gasByPressure(1.0, 1.2, 1.5, 2.0) },
  { between: ['PS', 'RL'], metres: 1.5 },
  { between: ['PS', 'DL'], metres: 0.5 },
  { between: ['PS', 'TX'], metres: 1.0 },
  { between: ['RQ', 'RL'], metres: gasByPressure(1.0, 1.0, 1.5, 2.0) },
  { between: ['RQ', 'DL'], metres: gasByPressure(0.5, 0.5, 1.0, 1.5) },
  { between: ['RQ', 'TX'], metres: gasByPressure(0.5, 0.5, 1.0, 1.5) },
  { between: ['RL', 'DL'], metres: 2.0 },
  { between: ['RL', 'TX'], metres: 1.0 },
  { between: ['DL', 'TX'], metres: 0.5 },
];

/** Vertical clearances where pipes cross. */
export const VERTICAL_CLEARANCES: readonly ClearanceRule[] = [
  { between: ['JS', 'JS'], metres: 0.15 },
  { between: ['PS', 'JS'], metres: 0.4 },
  { between: ['PS', 'PS'], metres: 0.15 },
  { between: ['RL', 'JS'], metres: 0.15 },
  { between: ['RL', 'PS'], metres: 0.15 },
  { between: ['RL', 'RL'], metres: 0.15 },
  { between: ['RL', 'RQ'], metres: 0.15 },
  { between: ['RQ', 'JS'], metres: 0.15 },
  { between: ['RQ', 'PS'], metres: 0.15 },
  { between: ['RQ', 'RQ'], metres: 0.15 },
  { between: ['TX', 'JS'], metres: 0.5, note: 'direct-buried telecom' },
  { between: ['TX', 'PS'], metres: 0.5, note: 'direct-buried telecom' },
  { between: ['TX', 'RQ'], metres: 0.5, note: 'direct-buried telecom' },
  { between: ['TX', 'TX'], metres: 0.25 },
  { between: ['DL', '*'], metres: 0.5, note: 'direct-buried power; 0.25 in a protective conduit' },
];

/** The rule for two categories in either order ('*' matches any), or undefined when none applies. */
export function clearanceRule(rules: readonly ClearanceRule[], a: string, b: string): ClearanceRule | undefined {
  return rules.find(({ between: [x, y] }) => (x === a && (y === b || y === '*')) || (x === b && (y === a || y === '*')));
}
