import type { LayerDefinition } from '../../../workers/formats/viewerConfig.js';
import { clockTimeAt, MAX_REPLAY_SPEED, MIN_REPLAY_SPEED } from '../../../workers/formats/history.js';
import type { CameraView, ClockState, LayerState, StyleRule, ViewerState } from '../platform/ViewerState.js';
import { DEFAULT_REPLAY_SPEED, parseClockTime, replayAt } from './clock/clockTransitions.js';

/**
 * The shareable part of the state as URL query parameters, and back. Only what differs from
 * the config's layer defaults is written, so links stay short:
 *   ?cam=117.16,39.10,800,0,-35&layers=-roads,water-model,buildings@0.5&style=height,height>50
 *   &mode=wall&lang=en&underground=1&sel=buildings:B123&at=2026-11-30T14:05:10Z&speed=60
 *   &tool=crossSection&input=117.16,39.10;117.17,39.11
 * `at` opens a replay at that time (playing at `speed`, paused without one; live when absent or in the future). The
 * link's `at` is the time the replay showed when the link was written.
 * Anything malformed is ignored (a shared link must never break the viewer).
 */
export function stateToQuery(
  state: Pick<ViewerState, 'camera' | 'layers' | 'mode' | 'language' | 'underground' | 'style' | 'selection'> &
    Partial<Pick<ViewerState, 'clock' | 'tool' | 'toolInput'>>,
  catalogue: readonly LayerDefinition[],
  nowMs = Date.now(),
): string {
  const params = new URLSearchParams();
  const c = state.camera;
  params.set('cam', [c.lon.toFixed(5), c.lat.toFixed(5), c.height.toFixed(0), c.heading.toFixed(0), c.pitch.toFixed(0)].join(','));
  const layers: string[] = [];
  for (const definition of catalogue) {
    const layer = state.layers[definition.id];
    if (!layer) continue;
    const defaultOpacity = definition.opacity ?? 1;
    if (layer.visible !== definition.visible) layers.push(layer.visible ? definition.id : `-${definition.id}`);
    if (layer.opacity !== defaultOpacity) layers.push(`${definition.id}@${Math.round(layer.opacity * 100) / 100}`);
  }
  if (layers.length) params.set('layers', layers.join(','));
  if (state.style.colorBy !== 'height' || state.style.filter) {
    const f = state.style.filter;
    params.set('style', f ? `${state.style.colorBy},${f.attribute}${f.op}${f.value}` : state.style.colorBy);
  }
  if (state.mode !== 'planner') params.set('mode', state.mode);
  if (state.language !== 'zh-CN') params.set('lang', state.language);
  if (state.underground) params.set('underground', '1');
  if (state.selection) params.set('sel', `${state.selection.tileset}:${state.selection.id}`);
  if (state.clock?.mode === 'replay') {
    params.set('at', new Date(Math.floor(clockTimeAt(state.clock, nowMs) / 1000) * 1000).toISOString().replace('.000Z', 'Z'));
    if (state.clock.playing) params.set('speed', String(state.clock.speed));
  }
  // Underground view has a parameter of its own.
  if (state.tool && state.tool !== 'underground') {
    params.set('tool', state.tool);
    if (state.toolInput) params.set('input', state.toolInput);
  }
  return params.toString().replace(/%2C/g, ',').replace(/%40/g, '@').replace(/%3A/g, ':').replace(/%3B/g, ';');
}

export function defaultLayers(catalogue: readonly LayerDefinition[]): Record<string, LayerState> {
  return Object.fromEntries(catalogue.map((d) => [d.id, { visible: d.visible, opacity: d.opacity ?? 1 }]));
}

/** Applies the query's parameters over `base`; unknown layers, bad numbers and values are skipped. */
export function stateFromQuery(query: string, base: ViewerState, nowMs = Date.now()): ViewerState {
  const params = new URLSearchParams(query);
  const state: ViewerState = { ...base, layers: { ...base.layers } };
  const camera = parseCamera(params.get('cam'));
  if (camera) state.camera = camera;
  for (const token of (params.get('layers') ?? '').split(',').filter(Boolean)) {
    const at = token.indexOf('@');
    if (at > 0) {
      const id = token.slice(0, at);
      const opacity = Number(token.slice(at + 1));
      if (state.layers[id] && Number.isFinite(opacity)) state.layers[id] = { ...state.layers[id], opacity: Math.min(1, Math.max(0, opacity)) };
      continue;
    }
    const hide = token.startsWith('-');
    const id = hide ? token.slice(1) : token;
    if (state.layers[id]) state.layers[id] = { ...state.layers[id], visible: !hide };
  }
  const style = parseStyle(params.get('style'));
  if (style) state.style = style;
  const mode = params.get('mode');
  if (mode === 'wall' || mode === 'planner' || mode === 'cockpit') state.mode = mode;
  const lang = params.get('lang');
  if (lang === 'en' || lang === 'zh-CN') state.language = lang;
  if (params.has('underground')) state.underground = params.get('underground') !== '0';
  const selection = params.get('sel');
  const colon = selection?.indexOf(':') ?? -1;
  if (selection && colon > 0) state.selection = { tileset: selection.slice(0, colon), id: selection.slice(colon + 1) };
  const clock = parseClock(params.get('at'), params.get('speed'), nowMs);
  if (clock) state.clock = clock;
  const tool = params.get('tool');
  const input = params.get('input');
  if (tool && TOOL_ID.test(tool)) {
    state.tool = tool;
    state.toolInput = input && input.length <= MAX_TOOL_INPUT ? input : null;
  }
  return state;
}

/** A tool's id as the URL may name it (the viewer ignores one it does not have). */
const TOOL_ID = /^[a-zA-Z][\w-]{0,39}$/;
/** Longer than any polygon a planner draws by hand (~100 vertices); a longer input is not a shared link's. */
const MAX_TOOL_INPUT = 4000;

/** `at` (ISO 8601, in the past) as a replay, playing at `speed` (1 … 3,600) or paused without a usable one; undefined for an unusable `at`. */
function parseClock(at: string | null, speed: string | null, nowMs: number): ClockState | undefined {
  if (!at) return undefined;
  let time: number;
  try {
    time = parseClockTime(at);
  } catch {
    return undefined;
  }
  if (time > nowMs) return undefined;
  const playSpeed = Number(speed ?? NaN);
  const playing = playSpeed >= MIN_REPLAY_SPEED && playSpeed <= MAX_REPLAY_SPEED;
  return replayAt(time, nowMs, { speed: playing ? playSpeed : DEFAULT_REPLAY_SPEED, playing });
}

function parseCamera(value: string | null): CameraView | undefined {
  if (!value) return undefined;
  const numbers = value.split(',').map(Number);
  if (numbers.length !== 5 || !numbers.every(Number.isFinite)) return undefined;
  const [lon, lat, height, heading, pitch] = numbers as [number, number, number, number, number];
  if (Math.abs(lon) > 180 || Math.abs(lat) > 90 || height < -1000 || height > 1e7 || Math.abs(pitch) > 90) return undefined;
  return { lon, lat, height, heading, pitch };
}

const STYLE_ATTRIBUTES = ['height', 'use', 'year', 'cimLevel'] as const;
const FILTER_PATTERN = /^(height|year|floors)(>=|<=|>|<)(-?\d+(?:\.\d+)?)$/;

function parseStyle(value: string | null): StyleRule | undefined {
  if (!value) return undefined;
  const [colorBy, filterText] = value.split(',');
  const attribute = STYLE_ATTRIBUTES.find((a) => a === colorBy);
  if (!attribute) return undefined;
  const match = filterText ? FILTER_PATTERN.exec(filterText) : null;
  if (!match) return { colorBy: attribute };
  return { colorBy: attribute, filter: { attribute: match[1] as 'height', op: match[2] as '>', value: Number(match[3]) } };
}
