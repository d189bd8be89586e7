import type { TilesetLayerDefinition } from '../../workers/formats/viewerConfig.js';
import type { UiContext } from '../../viewer/src/platform/UiContext.js';
import type { FeatureRef } from '../../viewer/src/platform/ViewerState.js';
import { h } from '../../viewer/src/platform/h.js';

/** A pipe's attributes as the server serves them to this viewer's role (GET /api/pipes/{id}). */
interface ServedAttributes {
  level: 'full' | 'desensitised';
  attributes: Record<string, string | number | boolean | null>;
}

/**
 * Under a selected pipe's properties (from its tile, never holding owner contacts): its
 * attributes as the server serves them to the signed-in role — in full for its utility, the
 * operator and the admin (owner contacts included), desensitised for internal. Text only.
 * Nothing when no one is signed in (public sees no pipes) or the server refuses.
 */
export function mountPipeAttributes(ui: UiContext, container: HTMLElement, feature: FeatureRef): (() => void) | undefined {
  const layer = ui.config.layers.find((l): l is TilesetLayerDefinition => l.id === feature.tileset && l.kind === 'tileset');
  const headers = ui.authHeaders();
  if (!layer?.network || !headers['Authorization']) return undefined;
  const folder = new URL(layer.url, ui.baseUrl);
  folder.pathname = folder.pathname.replace(/[^/]*$/, '');
  const url = new URL(`/api/pipes/${encodeURIComponent(feature.id)}`, folder);
  url.searchParams.set('in', folder.pathname);
  const section = h('section', { id: 'pipe-attributes', attrs: { 'aria-busy': 'true' } });
  container.append(section);
  const controller = new AbortController();
  void fetch(url, { headers, signal: controller.signal })
    .then(async (response) => {
      if (!response.ok) return section.remove();
      const served = (await response.json()) as ServedAttributes;
      const rows = Object.entries(served.attributes).filter(([, value]) => value !== null && value !== '');
      section.removeAttribute('aria-busy');
      section.replaceChildren(
        h('h3', {}, `${ui.t('info.served')} · ${ui.t(`info.servedLevel.${served.level}`)}`),
        h(
          'table',
          {},
          h(
            'tbody',
            {},
            ...rows.map(([field, value]) =>
              h('tr', { attrs: { 'data-field': field } }, h('th', { attrs: { scope: 'row' } }, field), h('td', {}, String(value))),
            ),
          ),
        ),
      );
    })
    .catch((error: unknown) => {
      if ((error as Error).name !== 'AbortError') section.remove();
    });
  return () => {
    controller.abort();
    section.remove();
  };
}
