import { describe, expect, it } from 'vitest';
import { defaultViewerState } from './defaultViewerState.js';
import { stateFromQuery, stateToQuery } from './urlState.js';
import type { LayerDefinition, ViewerConfig } from '../../../workers/formats/viewerConfig.js';
import type { ViewerState } from '../platform/ViewerState.js';

const catalogue: LayerDefinition[] = [
  { id: 'roads', kind: 'ground', group: 'ground', label: 'roads', visible: true, url: '/roads.geojson', geometry: 'lines', defaultColor: '#888', height: 0.4 },
  { id: 'buildings', kind: 'tileset', group: 'buildings', label: 'buildings', visible: true, url: '/b/tileset.json', styling: 'buildings' },
  { id: 'water-model', kind: 'tileset', group: 'underground', label: 'water', visible: false, url: '/w/tileset.json', styling: 'dataColors' },
];
const config: ViewerConfig = {
  format: 'cim-twin-viewer-config',
  version: 1,
  layers: catalogue,
  bookmarks: [{ id: 'overview', label: 'overview', view: { lon: 117.158, lat: 39.035, height: 6500, heading: 0, pitch: -35 } }],
};
const base: ViewerState = defaultViewerState(config);

describe('URL state', () => {
  it('round-trips camera, layers, style, mode, language, underground and selection', () => {
    const state: ViewerState = {
      ...base,
      camera: { lon: 117.16421, lat: 39.13035, height: 618, heading: 12, pitch: -50 },
      layers: {
        ...base.layers,
        roads: { visible: false, opacity: 1 },
        'water-model': { visible: true, opacity: 1 },
        buildings: { visible: true, opacity: 0.5 },
      },
      style: { colorBy: 'use', filter: { attribute: 'height', op: '>', value: 50 } },
      mode: 'wall',
      language: 'en',
      underground: true,
      selection: { tileset: 'buildings', id: 'NK:000005' },
    };
    const query = stateToQuery(state, catalogue);
    expect(query).toContain('layers=-roads,buildings@0.5,water-model');
    const back = stateFromQuery(query, base);
    expect(back.camera).toEqual(state.camera);
    expect(back.layers).toEqual(state.layers);
    expect(back.style).toEqual(state.style);
    expect([back.mode, back.language, back.underground]).toEqual(['wall', 'en', true]);
    expect(back.selection).toEqual({ tileset: 'buildings', id: 'NK:000005' });
  });

  it('writes nothing but the camera for the defaults', () => {
    expect(stateToQuery(base, catalogue)).toBe('cam=117.15800,39.03500,6500,0,-35');
  });

  it('ignores malformed or unknown parts and keeps the rest', () => {
    const back = stateFromQuery('cam=1,2,x,4,5&layers=-nope,roads@abc,-roads&style=colour&mode=kiosk&lang=fr&underground=0', base);
    expect(back.camera).toEqual(base.camera);
    expect(back.layers['roads']).toEqual({ visible: false, opacity: 1 });
    expect(back.layers['nope']).toBeUndefined();
    expect(back.style).toEqual(base.style);
    expect([back.mode, back.language, back.underground]).toEqual(['planner', 'zh-CN', false]);
    expect(stateFromQuery('cam=500,39,100,0,-30', base).camera).toEqual(base.camera);
  });

  it('opens a replay from at= (playing at speed=, paused without), writes the time shown, and stays live for a bad or future at', () => {
    const now = Date.parse('2026-11-30T18:00:00Z');
    expect(stateFromQuery('at=2026-11-30T14:05:10Z&speed=60', base, now).clock).toEqual({
      mode: 'replay',
      time: Date.parse('2026-11-30T14:05:10Z'),
      anchorWallMs: now,
      speed: 60,
      playing: true,
    });
    expect(stateFromQuery('at=2026-11-30T14:05:10Z', base, now).clock).toMatchObject({ mode: 'replay', playing: false });
    expect(stateFromQuery('at=2026-11-30T14:05:10Z&speed=99999', base, now).clock).toMatchObject({ mode: 'replay', playing: false });
    for (const bad of ['at=yesterday', 'at=2026-12-01T00:00:00Z', 'at=', 'speed=60'])
      expect(stateFromQuery(bad, base, now).clock, bad).toEqual({ mode: 'live' });
    const replay = stateFromQuery('at=2026-11-30T14:05:10Z&speed=60', base, now);
    // Ten wall seconds later the link holds the time then shown: ten minutes on at 60×.
    expect(stateToQuery(replay, catalogue, now + 10_000)).toContain('at=2026-11-30T14:15:10Z&speed=60');
    expect(stateToQuery(base, catalogue, now)).not.toContain('at=');
  });

  it('carries the active tool and its input, and ignores a malformed tool id or an oversized input', () => {
    const line = '117.16,39.10;117.17,39.11';
    const query = stateToQuery({ ...base, tool: 'crossSection', toolInput: line }, catalogue);
    expect(query).toContain(`tool=crossSection&input=${line}`);
    const back = stateFromQuery(query, base);
    expect([back.tool, back.toolInput]).toEqual(['crossSection', line]);
    // Underground view has its own parameter; no tool, no input.
    expect(stateToQuery({ ...base, tool: 'underground', toolInput: 'x' }, catalogue)).not.toContain('tool=');
    expect(stateToQuery({ ...base, tool: null, toolInput: line }, catalogue)).not.toContain('input=');
    expect(stateFromQuery('tool=<script>&input=1,2', base).tool).toBeNull();
    expect(stateFromQuery(`tool=measure&input=${'1'.repeat(5000)}`, base)).toMatchObject({ tool: 'measure', toolInput: null });
  });
});
