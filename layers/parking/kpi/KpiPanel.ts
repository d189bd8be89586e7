import type { ParkingKpis, TurnoverFigures } from '../../../workers/parking/parkingKpis.js';
import { parkingKpis, ParkingTurnover } from '../../../workers/parking/parkingKpis.js';
import type { UiContext } from '../../../viewer/src/platform/UiContext.js';
import { h } from '../../../viewer/src/platform/h.js';
import { watchAny } from '../../../viewer/src/platform/ViewerStore.js';
import type { ParkingModel } from '../ParkingModel.js';
import './kpi.css';

/** The panel is drawn again at most this often (counts arrive every second). */
const REDRAW_MS = 5000;

/**
 * Counts the model's live updates into a ParkingTurnover (a replay's loads are older than what
 * was counted and change nothing). Returns the counter and its removal.
 */
export function countTurnover(model: ParkingModel): { turnover: ParkingTurnover; stop: () => void } {
  const turnover = new ParkingTurnover();
  const observe = (siteId: string): void => {
    const state = model.state(siteId);
    const site = model.site(siteId);
    if (state && site) turnover.observe(state, site.capacity);
  };
  model.sites().forEach((s) => observe(s.id));
  const stop = model.subscribe((change) => {
    if (change.kind === 'updated') change.siteIds.forEach(observe);
    else if (change.kind === 'replaced') model.sites().forEach((s) => observe(s.id));
  });
  return { turnover, stop };
}

/** The model's KPIs at its time (the replay's time in a replay), with the turnover counted so far. */
export function kpisOf(model: ParkingModel, turnover: ParkingTurnover): ParkingKpis {
  const sites = model.sites();
  const states = new Map(sites.flatMap((s) => (model.state(s.id) ? [[s.id, model.state(s.id)!] as const] : [])));
  return parkingKpis(sites, states, model.time, turnover.figures(model.time));
}

const percent = (share: number | null): string => (share === null ? '—' : `${Math.round(share * 100)}%`);

/** Under this much observed time a rate per hour says little: the panel shows the count is under way. */
const TURNOVER_MIN_HOURS = 5 / 60;

/** The turnover figure and its line below: the rate over the minutes seen, or since when it is being counted. */
function turnoverFigure(ui: UiContext, figures: TurnoverFigures | null, since: string): [string, string] {
  if (!figures || figures.hours < TURNOVER_MIN_HOURS) return ['—', ui.t('parkingKpi.turnoverCollecting', { since })];
  return [
    ui.t('parkingKpi.turnoverValue', { perHour: figures.perSpacePerHour.toFixed(2) }),
    ui.t('parkingKpi.turnoverDetail', { minutes: Math.round(figures.hours * 60) }),
  ];
}

/**
 * District parking KPIs (right dock: the planner's desk and the wall alike): occupancy now, free
 * spaces, on-street berths free, turnover, and occupancy by area as bars — large type on a wall
 * (style: guidance.css), no controls.
 */
export function mountKpiPanel(parent: HTMLElement, ui: UiContext, model: ParkingModel, turnover: ParkingTurnover): () => void {
  const root = h('aside', { id: 'parking-kpis', className: 'panel', attrs: { 'aria-live': 'off' } });
  const mountedAt = Date.now();
  parent.append(root);

  function figure(key: string, ...[value, detail]: [string, string]): HTMLElement {
    return h(
      'div',
      { className: 'kpi', attrs: { 'data-kpi': key } },
      h('span', { className: 'kpi-value' }, value),
      h('span', { className: 'kpi-label' }, ui.t(`parkingKpi.${key}`)),
      h('span', { className: 'kpi-detail' }, detail),
    );
  }

  function render(): void {
    const kpis = kpisOf(model, turnover);
    const { language } = ui.store.getState();
    const clock = (ms: number): string =>
      new Date(ms).toLocaleTimeString(language === 'en' ? 'en-GB' : 'zh-CN', { hour12: false, hour: '2-digit', minute: '2-digit' });
    const time = clock(kpis.at);
    root.dataset['reporting'] = String(kpis.district.reporting);
    root.replaceChildren(
      h('h2', {}, ui.t('parkingKpi.title'), ' ', h('span', { className: 'parking-muted' }, time)),
      h(
        'div',
        { className: 'kpi-grid' },
        figure('occupancy', percent(kpis.district.occupancy), ui.t('parkingKpi.reporting', { reporting: kpis.district.reporting, sites: kpis.district.sites })),
        figure('free', kpis.district.free.toLocaleString(language), ui.t('parkingKpi.ofSpaces', { capacity: kpis.district.capacity.toLocaleString(language) })),
        figure('berthsFree', kpis.berths.free.toLocaleString(language), ui.t('parkingKpi.berthsOccupied', { occupancy: percent(kpis.berths.occupancy) })),
        figure('turnover', ...turnoverFigure(ui, kpis.turnover, clock(mountedAt))),
      ),
      h('h3', {}, ui.t('parkingKpi.byArea')),
      h(
        'ul',
        { className: 'kpi-areas' },
        ...kpis.byArea.map((area) =>
          h(
            'li',
            { attrs: { 'data-area': area.area } },
            h('span', { className: 'kpi-area-name' }, ui.t(`parkingKpi.areas.${area.area}`)),
            h(
              'span',
              { className: 'kpi-bar', attrs: { role: 'presentation' } },
              h('span', {
                className: `kpi-fill ${area.occupancy === null ? '' : area.occupancy >= 0.9 ? 'tight' : area.occupancy >= 0.75 ? 'busy' : 'easy'}`,
                attrs: { style: `width:${Math.round((area.occupancy ?? 0) * 100)}%` },
              }),
            ),
            h('span', { className: 'kpi-area-value' }, percent(area.occupancy)),
            h('span', { className: 'kpi-area-free' }, ui.t('parkingKpi.freeShort', { free: area.free.toLocaleString(language) })),
          ),
        ),
      ),
      kpis.outdated + kpis.closed > 0
        ? h('p', { className: 'parking-muted kpi-note' }, ui.t('parkingKpi.notCounted', { outdated: kpis.outdated, closed: kpis.closed }))
        : '',
    );
  }

  render();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const later = (): void => {
    timer ??= setTimeout(() => {
      timer = undefined;
      render();
    }, REDRAW_MS);
  };
  const stops = [
    model.subscribe((change) => (change.kind === 'replaced' ? render() : later())),
    watchAny(ui.store, [(s) => s.language, (s) => s.mode], render),
  ];
  return () => {
    stops.forEach((stop) => stop());
    if (timer) clearTimeout(timer);
    root.remove();
  };
}
