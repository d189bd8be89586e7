import { type GasPressureCode, gasPressureClass } from '../../../../workers/standards/gb50028GasPressure.js';
import type { Language } from '../../platform/ViewerState.js';

/** A gas pipe's pressure class as a planner reads it (中压A, medium A), or '' for none. */
export function gasPressureLabel(code: GasPressureCode | null, language: Language): string {
  if (!code) return '';
  const pressureClass = gasPressureClass(code);
  return language === 'en' ? pressureClass.nameEn : pressureClass.nameZh;
}
