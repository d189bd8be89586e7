import { describe, expect, it } from 'vitest';
import type { CrossSection } from '../../../../workers/formats/pipeAnalyses.js';
import { parseSectionInput, sectionInput } from './CrossSectionModel.js';
import { profileSvg, sectionSvg } from './sectionSvg.js';

const labels = { title: 'Section <1>', depth: 'Depth', offset: 'Offset', ground: 'ground', elevation: 'Elevation', chainage: 'Chainage', invert: 'invert' };
const pipe = (id: string, category: string, offset: number, depthTop: number, size: number, box = false): CrossSection['pipes'][number] => ({
  id,
  category,
  offset,
  depthTop,
  depthBottom: depthTop + size,
  gasPressure: null,
  width: size,
  height: size,
  diameter: box ? null : size,
  ground: 0,
  angle: 90,
  material: null,
  owner: null,
});
const section: CrossSection = {
  line: [
    [117, 39],
    [117.0004, 39],
  ],
  length: 40,
  ground: [0, 0],
  pipes: [pipe('W<1>', 'JS', 10, 1.2, 0.3), pipe('D&1', 'DL', 10.8, 0.6, 0.4, true)],
  conflicts: [{ type: 'horizontal', a: 'D&1', b: 'W<1>', categories: ['DL', 'JS'], required: 0.5, actual: 0.4, lon: 117, lat: 39 }],
  source: 'GB 50289',
};

describe('sectionSvg', () => {
  it('draws round pipes as ellipses and boxes as rectangles in CJJ 61 colours, conflicts in red, data text escaped', () => {
    const svg = sectionSvg(section, labels);
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg).toContain('<title>W&lt;1&gt;</title></ellipse>');
    expect(svg).toContain('<title>D&amp;1</title></rect>');
    expect(svg).toContain('fill="#00ffff"'); // water supply cyan
    expect(svg).toContain('0.40 &lt; 0.50 m');
    expect(svg).toContain('stroke="#e01010"');
    expect(svg).toContain('Section &lt;1&gt;');
    expect(svg).not.toContain('<1>');
  });

  it('draws a profile with a slope per pipe, a back-fall in red', () => {
    const svg = profileSvg(
      {
        startPipeId: 'S1',
        category: 'PS',
        length: 100,
        pipes: [
          { id: 'S1', from: 0, to: 50, invertFrom: -3, invertTo: -3.1, groundFrom: 0, groundTo: 0, slope: 0.002, height: 0.6 },
          { id: 'S2', from: 50, to: 100, invertFrom: -3.1, invertTo: -3.05, groundFrom: 0, groundTo: 0, slope: -0.001, height: 0.6 },
        ],
        backfalls: ['S2'],
      },
      labels,
    );
    expect(svg).toContain('>2.0‰</text>');
    expect(svg).toMatch(/fill="#e01010"[^>]*>-1\.0‰/);
  });
});

describe('section URL input', () => {
  it('round-trips a line and names what is wrong with a bad one', () => {
    const text = sectionInput([
      [117.1708071, 39.1374931],
      [117.1707424, 39.137849],
    ]);
    expect(text).toBe('117.1708071,39.1374931;117.1707424,39.1378490');
    expect(parseSectionInput(text)).toEqual({
      kind: 'section',
      line: [
        [117.1708071, 39.1374931],
        [117.1707424, 39.137849],
      ],
    });
    expect(parseSectionInput('profile:YSL1')).toEqual({ kind: 'profile', pipeId: 'YSL1' });
    expect(parseSectionInput('117.1,banana')).toMatch(/not "lon,lat;lon,lat"/);
    expect(parseSectionInput('profile:')).toMatch(/names no pipe/);
  });
});
