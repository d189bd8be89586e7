import type { ParkingSite } from '../../../workers/formats/parking.js';
import { h, nodes } from '../../../viewer/src/platform/h.js';
import type { UiContext } from '../../../viewer/src/platform/UiContext.js';
import type { ParkingModel } from '../ParkingModel.js';
import { parseFeatureId } from '../parkingGeometry.js';
import { drawStatusSymbol, shownStatus } from '../parkingStyle.js';

/**
 * Under a selected site or floor in the info panel: the status in words with its symbol, free
 * of capacity, when it was counted — "outdated" marked plainly — each floor's counts (the
 * selected floor highlighted), the tariff and the opening hours. Text nodes only (h): a site
 * name with markup shows as written. Follows the model (live counts, a replay's time).
 */
export function mountParkingDetail(container: HTMLElement, ui: UiContext, model: ParkingModel, featureId: string): () => void {
  const root = h('section', { className: 'parking-detail' });
  container.append(root);
  const { siteId, levelId } = parseFeatureId(featureId);
  let shownKey = '';
  const render = (): void => {
    const site = model.site(siteId);
    const view = model.view(siteId);
    // The clock ticks every second: the panel is rebuilt only when what it says changes.
    const key = `${ui.store.getState().language}|${JSON.stringify(view ?? null)}|${site?.name}`;
    if (key === shownKey) return;
    shownKey = key;
    if (!site || !view) return void root.replaceChildren();
    const shown = shownStatus(view.status, view.outdated);
    const words = (status: string): string => ui.t(`values.parkingStatus.${status}`, undefined, status);
    const locale = ui.store.getState().language === 'en' ? 'en-GB' : 'zh-CN';
    const symbol = drawStatusSymbol(shown, 16, window.devicePixelRatio || 1);
    symbol.className = 'parking-symbol';
    symbol.style.width = symbol.style.height = '16px';
    root.dataset['status'] = shown;
    root.dataset['outdated'] = String(view.outdated);
    root.replaceChildren(
      ...nodes(
        h('h3', { className: 'parking-site-name' }, site.name),
        h('p', { className: 'parking-status' }, symbol, ` ${words(shown)} · ${ui.t('parking.free')} ${view.available ?? '–'} / ${view.capacity}`),
        view.observedAt === null
          ? h('p', { className: 'parking-observed' }, ui.t('parking.never'))
          : h('p', { className: 'parking-observed' }, `${ui.t('parking.observedAt')}: ${new Date(view.observedAt).toLocaleString(locale, { hour12: false })}`),
        view.outdated && view.observedAt !== null ? h('p', { className: 'parking-outdated', attrs: { role: 'note' } }, `⚠ ${ui.t('parking.outdated')}`) : null,
        site.levels.length > 1 || levelId
          ? h(
              'table',
              { className: 'parking-floors' },
              h('caption', {}, ui.t('parking.floors')),
              h(
                'tbody',
                {},
                ...view.levels.map((level) => {
                  const floorShown = shownStatus(level.status, view.outdated);
                  return h(
                    'tr',
                    { className: level.levelId === levelId ? 'selected' : '', attrs: { 'data-level': level.levelId, 'data-status': floorShown } },
                    h('th', { attrs: { scope: 'row' } }, level.name),
                    h('td', {}, `${level.available ?? '–'} / ${level.capacity}`),
                    h('td', {}, words(floorShown)),
                  );
                }),
              ),
            )
          : null,
        h('p', { className: 'parking-tariff' }, `${ui.t('parking.tariff')}: ${tariffText(ui, site)}`),
        h('p', { className: 'parking-hours' }, `${ui.t('parking.hours')}: ${hoursText(ui, site)}`),
      ),
    );
  };
  render();
  const stop = model.subscribe((change) => {
    if (change.kind !== 'updated' || change.siteIds.includes(siteId)) render();
  });
  return () => {
    stop();
    root.remove();
  };
}

const hhmm = (minutes: number): string => `${String(Math.floor(minutes / 60) % 24).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

function tariffText(ui: UiContext, site: ParkingSite): string {
  const t = site.tariff;
  const base = ui.t('parking.tariffText', { free: t.freeMinutes, first: t.firstHourYuan, after: t.perHourAfterYuan });
  if (t.nightCapYuan === undefined) return base;
  return base + ui.t('parking.nightCap', { from: hhmm(t.nightFrom ?? 0), to: hhmm(t.nightTo ?? 0), cap: t.nightCapYuan });
}

function hoursText(ui: UiContext, site: ParkingSite): string {
  const hours = site.openingHours;
  return hours ? `${hhmm(hours.opens)}–${hhmm(hours.closes)}` : ui.t('parking.alwaysOpen');
}
