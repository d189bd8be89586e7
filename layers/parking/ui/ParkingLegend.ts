import { h, nodes } from '../../../viewer/src/platform/h.js';
import type { UiContext } from '../../../viewer/src/platform/UiContext.js';
import { watchAny } from '../../../viewer/src/platform/ViewerStore.js';
import type { ParkingModel } from '../ParkingModel.js';
import { drawStatusSymbol, SHOWN_STATUSES, shownStatus, type ShownStatus } from '../parkingStyle.js';

/**
 * The parking legend under the layer panel's rows: each status's symbol (colour and shape, so it
 * reads without colour vision), its name and how many sites show it now, and a line on clusters
 * and floors; shown while the layer is. A load error is said here in words.
 */
export function mountParkingLegend(
  docks: { left: HTMLElement; right: HTMLElement },
  ui: UiContext,
  model: ParkingModel,
  layerId: string,
  error: () => string | null,
  onError: (listener: () => void) => () => void,
): () => void {
  const root = h('aside', { id: 'parking-legend', className: 'panel' });
  // A planner's left dock; on a wall (no left dock) under the building legend on the right.
  const place = (): void => void (ui.store.getState().mode === 'wall' ? docks.right : docks.left).append(root);
  place();
  let counts = '';
  const render = (): void => {
    const visible = ui.store.getState().layers[layerId]?.visible ?? true;
    root.hidden = !visible;
    if (!visible) return;
    const tally: Record<ShownStatus, number> = { free: 0, almostFull: 0, full: 0, closed: 0, unknown: 0, outdated: 0 };
    for (const view of model.views()) tally[shownStatus(view.status, view.outdated)]++;
    const key = `${ui.store.getState().language}|${JSON.stringify(tally)}|${error()}`;
    if (key === counts) return;
    counts = key;
    const problem = error();
    root.replaceChildren(
      ...nodes(
        h('h3', {}, ui.t('parking.legend')),
        h(
          'ul',
          {},
          ...SHOWN_STATUSES.map((status) => {
            const symbol = drawStatusSymbol(status, 16, window.devicePixelRatio || 1);
            symbol.style.width = symbol.style.height = '16px';
            return h(
              'li',
              { attrs: { 'data-status': status } },
              symbol,
              h('span', {}, ui.t(`values.parkingStatus.${status}`)),
              h('b', {}, String(tally[status])),
            );
          }),
        ),
        h('p', { className: 'hint' }, `${ui.t('parking.legendClusters')} · ${ui.t('parking.legendFloors')}`),
        problem ? h('p', { className: 'error', attrs: { role: 'alert' } }, ui.t('parking.error', { message: problem })) : null,
      ),
    );
  };
  render();
  const stops = [
    model.subscribe(render),
    watchAny(ui.store, [(s) => s.language, (s) => s.layers[layerId]], render),
    watchAny(ui.store, [(s) => s.mode], place),
    onError(render),
  ];
  return () => {
    stops.forEach((stop) => stop());
    root.remove();
  };
}
