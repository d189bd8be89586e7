import { describe, expect, it } from 'vitest';
import { GAS_PRESSURE_CLASSES, gasPressureClass, gasPressureClassOf } from './gb50028GasPressure.js';

describe('GB 50028 gas pressure classes', () => {
  it('reads class names as surveys write them, a class without A/B as its B', () => {
    expect(gasPressureClassOf('低压')).toBe('low');
    expect(gasPressureClassOf('中压A')).toBe('mediumA');
    expect(gasPressureClassOf('中压 B')).toBe('mediumB');
    expect(gasPressureClassOf('中压')).toBe('mediumB');
    expect(gasPressureClassOf('次高压A')).toBe('subHighA');
    expect(gasPressureClassOf('次高压')).toBe('subHighB');
    expect(gasPressureClassOf('高压A')).toBe('highA');
    expect(gasPressureClassOf('sub-high A')).toBe('subHighA');
    expect(gasPressureClassOf('Medium-A')).toBe('mediumA');
  });

  it('reads pressures into the class they fall in (MPa by default, kPa and Pa)', () => {
    expect(gasPressureClassOf(0.005)).toBe('low');
    expect(gasPressureClassOf('0.2MPa')).toBe('mediumB');
    expect(gasPressureClassOf('0.4')).toBe('mediumA');
    expect(gasPressureClassOf('400kPa')).toBe('mediumA');
    expect(gasPressureClassOf(0.8)).toBe('subHighB');
    expect(gasPressureClassOf(1.6)).toBe('subHighA');
    expect(gasPressureClassOf(4)).toBe('highA');
    expect(gasPressureClassOf('3000 Pa')).toBe('low');
  });

  it('gives null for what is neither a class nor a pressure', () => {
    for (const value of ['', '  ', '未知', null, undefined, -1, Number.NaN, {}]) expect(gasPressureClassOf(value)).toBeNull();
  });

  it('ranges follow on without gaps, and map to the GB 50289 classes', () => {
    for (let i = 1; i < GAS_PRESSURE_CLASSES.length; i++) expect(GAS_PRESSURE_CLASSES[i]!.minMpa).toBe(GAS_PRESSURE_CLASSES[i - 1]!.maxMpa);
    expect(gasPressureClass('mediumA')).toMatchObject({ nameZh: '中压A', gb50289: 'medium' });
    expect(gasPressureClass('highB').gb50289).toBe('subHighA');
  });
});
