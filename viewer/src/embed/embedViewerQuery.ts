import { EMBED_MODES, type EmbedMode } from '../../../workers/formats/embedProtocol.js';
import type { CameraView } from '../../../workers/formats/viewerConfig.js';

/** What a host chooses for an embedded viewer: `<cim-twin>`'s attributes, `/embed.html`'s query. */
export interface EmbedSettings {
  /** A bookmark id of the config, or a camera `lon,lat,height,heading,pitch` (degrees, metres). */
  view?: string | null;
  /** Layers as in a shared link: `-roads,sensors,buildings@0.5` (hide, show, opacity). */
  layers?: string | null;
  mode?: string | null;
  lang?: string | null;
}

const CAMERA = /^-?\d+(\.\d+)?(,-?\d+(\.\d+)?){4}$/;

/**
 * The viewer's start state from the host's settings, as a shared link's query (one format for
 * both: app/urlState.ts), and the bookmark to open when `view` names one. The mode is the
 * cockpit's unless the host asks for another; settings that are not understood are left out.
 */
export function embedViewerQuery(settings: EmbedSettings): { query: string; bookmark?: string; mode: EmbedMode } {
  const params = new URLSearchParams();
  const view = settings.view?.trim();
  let bookmark: string | undefined;
  if (view && CAMERA.test(view.replace(/\s/g, ''))) params.set('cam', view.replace(/\s/g, ''));
  else if (view) bookmark = view;
  if (settings.layers) params.set('layers', settings.layers.replace(/\s/g, ''));
  const mode = EMBED_MODES.find((m) => m === settings.mode) ?? 'cockpit';
  params.set('mode', mode);
  if (settings.lang === 'en' || settings.lang === 'zh-CN') params.set('lang', settings.lang);
  return { query: params.toString(), mode, ...(bookmark ? { bookmark } : {}) };
}

/** A camera as the `view` setting (`lon,lat,height,heading,pitch`): a remounted viewer opens where the last one was. */
export function cameraSetting(camera: CameraView): string {
  return [camera.lon.toFixed(7), camera.lat.toFixed(7), camera.height.toFixed(1), camera.heading.toFixed(2), camera.pitch.toFixed(2)].join(',');
}
