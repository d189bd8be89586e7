import { describe, expect, it } from 'vitest';
import { type FollowMessage, followTopic, parseFollowMessage, parseFollowUpdate } from './followSession.js';

const camera = { lon: 117.1712, lat: 39.0671, height: 650, heading: 30, pitch: -30 };
const message: FollowMessage = {
  version: 1,
  session: 'wall',
  seq: 7,
  leader: 'li.na',
  at: '2026-11-30T15:20:01.120Z',
  view: { camera },
  selection: { tileset: 'incidents', id: 'INC-1' },
  layers: { roads: { visible: false, opacity: 1 }, 'pipes.JS': { visible: true, opacity: 0.5 } },
  underground: true,
};

describe('follow state format', () => {
  it('reads back what it writes, through JSON', () => {
    expect(parseFollowMessage(JSON.parse(JSON.stringify(message)))).toEqual({ value: message });
    const update = { view: message.view, selection: message.selection, layers: message.layers, underground: message.underground };
    expect(parseFollowUpdate(JSON.parse(JSON.stringify(update)))).toEqual({ value: update });
    expect(followTopic('wall')).toBe('cimtwin/v1/follow/wall');
  });

  it('reads the public’s copy, whose leader is null (not told), and still refuses a leader that is missing', () => {
    const publicCopy = { ...message, leader: null };
    expect(parseFollowMessage(JSON.parse(JSON.stringify(publicCopy)))).toEqual({ value: publicCopy });
    const withoutLeader: Partial<FollowMessage> = { ...message };
    delete withoutLeader.leader;
    expect(parseFollowMessage(withoutLeader)).toMatchObject({ field: 'leader' });
  });

  it('fills what an update may leave out: no selection, no layers, not underground, opacity 1', () => {
    expect(parseFollowUpdate({ view: { feature: { tileset: 'buildings', id: 'B1' } }, layers: { roads: { visible: true } } })).toEqual({
      value: { view: { feature: { tileset: 'buildings', id: 'B1' } }, selection: null, layers: { roads: { visible: true, opacity: 1 } }, underground: false },
    });
  });

  it.each([
    [null, 'message'],
    [{ ...message, version: 2 }, 'version'],
    [{ ...message, session: 'a/b' }, 'session'],
    [{ ...message, seq: 0 }, 'seq'],
    [{ ...message, seq: 1.5 }, 'seq'],
    [{ ...message, leader: '' }, 'leader'],
    [{ ...message, at: 'yesterday' }, 'at'],
    [{ ...message, view: {} }, 'view'],
    [{ ...message, view: { camera: { ...camera, lon: 181 } } }, 'view.camera.lon'],
    [{ ...message, view: { camera: { lon: 117, lat: 39, height: 'high', heading: 0, pitch: 0 } } }, 'view.camera.height'],
    [{ ...message, view: { feature: { tileset: 'b', id: 'x\u0000' } } }, 'view.feature.id'],
    [{ ...message, selection: { tileset: 'incidents' } }, 'selection.id'],
    [{ ...message, layers: [] }, 'layers'],
    [{ ...message, layers: { roads: { visible: 1 } } }, 'layers.roads.visible'],
    [{ ...message, layers: { roads: { visible: true, opacity: 2 } } }, 'layers.roads.opacity'],
    [{ ...message, underground: 'yes' }, 'underground'],
  ])('refuses %j naming %s', (body, field) => {
    const parsed = parseFollowMessage(body);
    expect('field' in parsed && parsed.field).toBe(field);
  });

  it('refuses more layers than a catalogue holds', () => {
    const layers = Object.fromEntries(Array.from({ length: 501 }, (_, i) => [`l${i}`, { visible: true }]));
    expect(parseFollowUpdate({ view: message.view, layers })).toMatchObject({ field: 'layers' });
  });
});
