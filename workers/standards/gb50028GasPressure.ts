import type { GasPressure } from './gb50289PieceCheck.js';

/**
 * Gas pipeline pressure classes of GB 50028-2006 (城镇燃气设计规范) Table 6.1.6 (压力级制), as
 * data: the class a gas survey's 压力 column names, or its design pressure in MPa, is read into
 * one code; network.json carries the code (`edges.gasPressure`), the planner tools show the
 * class's name, and the GB 50289 clearance rules take the coarser class they are tabled by.
 * Values as transcribed (to verify against the official text).
 */
export interface GasPressureClass {
  code: GasPressureCode;
  nameZh: string;
  nameEn: string;
  /** Gauge pressure range, MPa: above `minMpa` (at least, for 中压B) up to `maxMpa`. */
  minMpa: number;
  maxMpa: number;
  /** The class GB 50289's clearance tables go by (高压 pipes are outside its tables: treated as 次高压A, the strictest). */
  gb50289: GasPressure;
}

export const GAS_PRESSURE_CODES = ['low', 'mediumB', 'mediumA', 'subHighB', 'subHighA', 'highB', 'highA'] as const;
export type GasPressureCode = (typeof GAS_PRESSURE_CODES)[number];

export const GAS_PRESSURE_CLASSES: readonly GasPressureClass[] = [
  { code: 'low', nameZh: '低压', nameEn: 'low', minMpa: 0, maxMpa: 0.01, gb50289: 'low' },
  { code: 'mediumB', nameZh: '中压B', nameEn: 'medium B', minMpa: 0.01, maxMpa: 0.2, gb50289: 'medium' },
  { code: 'mediumA', nameZh: '中压A', nameEn: 'medium A', minMpa: 0.2, maxMpa: 0.4, gb50289: 'medium' },
  { code: 'subHighB', nameZh: '次高压B', nameEn: 'sub-high B', minMpa: 0.4, maxMpa: 0.8, gb50289: 'subHighB' },
  { code: 'subHighA', nameZh: '次高压A', nameEn: 'sub-high A', minMpa: 0.8, maxMpa: 1.6, gb50289: 'subHighA' },
  { code: 'highB', nameZh: '高压B', nameEn: 'high B', minMpa: 1.6, maxMpa: 2.5, gb50289: 'subHighA' },
  { code: 'highA', nameZh: '高压A', nameEn: 'high A', minMpa: 2.5, maxMpa: 4.0, gb50289: 'subHighA' },
];

export const GAS_PRESSURE_SOURCE = 'GB 50028-2006 Table 6.1.6';

export function gasPressureClass(code: GasPressureCode): GasPressureClass {
  return GAS_PRESSURE_CLASSES.find((c) => c.code === code)!;
}

/**
 * The class a survey's 压力 value gives: a class name (低压, 中压A, 次高压 B, medium-A, …; a class
 * without A/B is taken as its B, the lower, which asks the smaller clearances) or a pressure
 * (0.4, "0.4MPa", "400kPa": the class it falls in); null when it says neither (empty, unknown).
 */
export function gasPressureClassOf(value: unknown): GasPressureCode | null {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? classOfMpa(value) : null;
  if (typeof value !== 'string') return null;
  const text = value.trim().replace(/\s+/g, '').replace(/[-_]/g, '').toLowerCase();
  if (text === '') return null;
  const pressure = /^(\d+(?:\.\d+)?)(mpa|kpa|pa)?$/.exec(text);
  if (pressure) {
    const factor = pressure[2] === 'kpa' ? 1e-3 : pressure[2] === 'pa' ? 1e-6 : 1;
    return classOfMpa(Number(pressure[1]) * factor);
  }
  const grade = /a$/.test(text) ? 'A' : 'B';
  if (/^(次高压|subhigh)/.test(text)) return grade === 'A' ? 'subHighA' : 'subHighB';
  if (/^(高压|high)/.test(text)) return grade === 'A' ? 'highA' : 'highB';
  if (/^(中压|medium)/.test(text)) return grade === 'A' ? 'mediumA' : 'mediumB';
  if (/^(低压|low)/.test(text)) return 'low';
  return null;
}

function classOfMpa(mpa: number): GasPressureCode {
  if (mpa < 0.01) return 'low';
  return GAS_PRESSURE_CLASSES.find((c) => c.code !== 'low' && mpa <= c.maxMpa)?.code ?? 'highA';
}
