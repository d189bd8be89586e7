import type { DispatchState, Incident, IncidentState } from '../../../workers/formats/incident.js';
import { DISPATCH_TRANSITIONS, INCIDENT_TRANSITIONS } from '../../../workers/incidents/incidentLifecycle.js';
import type { UiContext } from '../../../viewer/src/platform/UiContext.js';
import { h, nodes } from '../../../viewer/src/platform/h.js';
import { watchAny } from '../../../viewer/src/platform/ViewerStore.js';
import type { IncidentClient } from '../IncidentClient.js';
import { PRESSURE_COLORS } from '../impact/impactColors.js';
import { viewOfPoints } from '../incidentGeometry.js';
import type { IncidentImpact, IncidentsStore } from '../incidentsState.js';

/**
 * Under a selected incident's properties: its impact (counts and lists: valves in closing
 * order, buildings without water, critical facilities, units with their travel times), the
 * lifecycle buttons and notes for a signed-in operator, and on a wall the button that releases
 * the screen. Everything from data goes in as text.
 */
export function mountIncidentCard(container: HTMLElement, ui: UiContext, incidents: IncidentsStore, client: IncidentClient, incidentId: string): () => void {
  const root = h('section', { className: 'incident-card', attrs: { 'data-incident': incidentId } });
  container.append(root);
  // On a wall that the incident took, the release button heads the panel (above the title and
  // level), and the panel shows its top: it may have been scrolled down for another feature.
  const releaseBar = h('div', { className: 'incident-release' });
  container.prepend(releaseBar);
  if (incidents.getState().takeover === incidentId) container.scrollTop = 0;

  const run = (action: () => Promise<Incident>): void => {
    void action()
      .then((incident) => {
        incidents.getState().upsert(incident);
        incidents.getState().setMessage(null);
      })
      .catch((error: Error) => incidents.getState().setMessage(error.message));
  };

  function impactSection(impact: IncidentImpact | null): HTMLElement {
    if (!impact || impact.incidentId !== incidentId) return h('p', { className: 'hint impact-working' }, ui.t('incidents.impactWorking'));
    const count = (key: string, n: number): HTMLElement =>
      h('li', { attrs: { 'data-count': key } }, h('span', { className: 'count' }, String(n)), ' ', ui.t(`impact.${key}`, { count: n }));
    const dispatched = new Set((incidents.getState().incidents[incidentId]?.dispatches ?? []).filter((d) => d.state !== 'released').map((d) => d.unitId));
    const shown = <T>(list: T[], max: number): { items: T[]; more: string | null } => ({
      items: list.slice(0, max),
      more: list.length > max ? ui.t('impact.more', { n: list.length - max }) : null,
    });
    const valves = shown(impact.valves, 12);
    const area = impact.area;
    return h(
      'div',
      { className: 'impact', attrs: { 'data-impact': impact.incidentId } },
      h('h3', {}, ui.t('impact.title'), ' ', h('span', { className: 'impact-took' }, ui.t('impact.took', { ms: Math.round(impact.tookMs) }))),
      frame(impact),
      impact.pipe ? h('p', { className: 'impact-pipe' }, ui.t('impact.burstOn', { pipe: impact.pipe })) : null,
      h(
        'ul',
        // Two columns: the counts take half the height, the lists below stay in view.
        { className: 'impact-counts', attrs: { style: 'display:grid;grid-template-columns:1fr 1fr;column-gap:8px' } },
        impact.pipe ? count('valves', impact.valves.length) : null,
        impact.pipe ? count('isolatedEdges', impact.isolatedEdges.length) : null,
        impact.pipe ? count('buildings', impact.buildings.length) : null,
        impact.pipe ? count('criticalFacilities', impact.criticalFacilities.length) : null,
        impact.sensors.length ? count('sensors', impact.sensors.length) : null,
        area ? count('areaBuildings', area.buildings.length) : null,
        area ? count('areaPois', area.pois.length) : null,
        area && area.parking.spaces > 0 ? count('parkingSpaces', area.parking.spaces) : null,
      ),
      valves.items.length
        ? h(
            'div',
            { className: 'valves' },
            h('h4', {}, ui.t('impact.closeInOrder')),
            h(
              'ol',
              { className: 'valve-order' },
              ...valves.items.map((v) =>
                h('li', { attrs: { 'data-valve': v.id } }, `${v.id} · ${Math.round(v.distanceMetres)} m${v.feeds ? ` · ${ui.t('impact.feeds')}` : ''}`),
              ),
            ),
            valves.more ? h('p', { className: 'hint' }, valves.more) : null,
          )
        : null,
      impact.hydraulics ? hydraulicsSection(impact.hydraulics) : null,
      impact.criticalFacilities.length
        ? h(
            'div',
            {},
            h('h4', {}, ui.t('impact.facilitiesTitle')),
            h(
              'ul',
              { className: 'facilities' },
              ...impact.criticalFacilities.map((f) =>
                h('li', { attrs: { 'data-facility': f.id } }, `⚠ ${f.name} (${ui.t(`facility.${f.kind}`, undefined, f.kind)})`),
              ),
            ),
          )
        : null,
      impact.namedBuildings.length
        ? h(
            'p',
            { className: 'named-buildings' },
            `${ui.t('impact.namedBuildings')}: `,
            impact.namedBuildings
              .slice(0, 8)
              .map((b) => b.name)
              .join('、'),
            impact.namedBuildings.length > 8 ? ' …' : '',
          )
        : null,
      impact.resources.length
        ? h(
            'div',
            {},
            h('h4', {}, ui.t('impact.resources')),
            h(
              'ul',
              { className: 'resources' },
              ...impact.resources.map((r) =>
                h(
                  'li',
                  { attrs: { 'data-unit': r.unitId, 'data-kind': r.kind } },
                  `${ui.t(`unitKinds.${r.kind}`, undefined, r.kind)} · ${r.name} · ${Math.max(1, Math.round(r.etaSeconds / 60))} min · ${(r.routeMetres / 1000).toFixed(1)} km `,
                  canWrite() && !dispatched.has(r.unitId)
                    ? h(
                        'button',
                        {
                          attrs: { type: 'button', 'data-dispatch': r.unitId },
                          on: {
                            click: () =>
                              run(() =>
                                client.dispatch(incidentId, {
                                  unitId: r.unitId,
                                  unitKind: r.kind,
                                  unitName: r.name,
                                  etaSeconds: Math.round(r.etaSeconds),
                                }),
                              ),
                          },
                        },
                        ui.t('incidents.dispatch'),
                      )
                    : null,
                ),
              ),
            ),
          )
        : null,
      impact.pending.length ? h('p', { className: 'hint impact-working' }, ui.t('incidents.impactWorking')) : null,
      ...impact.notes.map((note) => h('p', { className: 'hint impact-note' }, note)),
      impact.pending.length ? null : h('p', { className: 'hint impact-timings' }, timings(impact)),
    );
  }

  /** The what-if in a line: junctions below the minimum service pressure, and the colours of the network on the map. */
  function hydraulicsSection(hydraulics: NonNullable<IncidentImpact['hydraulics']>): HTMLElement {
    const min = Math.round(hydraulics.minimumPressureMetres);
    const swatch = (color: string, text: string): HTMLElement =>
      h('span', { className: 'pressure-key' }, h('span', { attrs: { style: `color:${color}` } }, '●'), ` ${text} `);
    return h(
      'div',
      { className: 'hydraulics', attrs: { 'data-below': String(hydraulics.lowPressureNodes.length + hydraulics.cutOffNodes.length) } },
      h('h4', {}, ui.t('impact.hydraulicsTitle')),
      h(
        'p',
        {},
        ui.t('impact.belowMinimum', {
          n: hydraulics.lowPressureNodes.length + hydraulics.cutOffNodes.length,
          min,
          low: hydraulics.lowPressureNodes.length,
          cut: hydraulics.cutOffNodes.length,
          junctions: hydraulics.junctions,
        }),
      ),
      h(
        'p',
        { className: 'hint' },
        swatch(PRESSURE_COLORS.below, `< ${min} m`),
        swatch(PRESSURE_COLORS.near, `${min}–${min + 5} m`),
        swatch(PRESSURE_COLORS.enough, ui.t('impact.lowerButEnough')),
      ),
    );
  }

  /** A button that frames what the burst shuts in and cuts off (valves, isolated and dry pipes, facilities). */
  function frame(impact: IncidentImpact): HTMLElement | null {
    const points = [
      ...impact.lines.isolated,
      ...impact.lines.cutOff,
      ...impact.valves.flatMap((v) => [v.lon, v.lat]),
      ...impact.criticalFacilities.flatMap((f) => (Number.isFinite(f.lon) ? [f.lon, f.lat] : [])),
    ];
    const view = viewOfPoints(points);
    if (!view) return null;
    return h(
      'button',
      { className: 'impact-frame', attrs: { type: 'button' }, on: { click: () => void ui.commands.flyTo({ ...view, height: 0 }, { duration: 1.5 }) } },
      ui.t('impact.frame'),
    );
  }

  /** Each part's round trip to the worker, for the operator who wonders what took the time. */
  function timings(impact: IncidentImpact): string {
    const parts = [
      ['burst', impact.timings.burstMs],
      ['hydraulics', impact.timings.hydraulicsMs],
      ['area', impact.timings.areaMs],
      ['resources', impact.timings.resourcesMs],
    ] as const;
    return parts
      .filter(([, ms]) => ms !== null)
      .map(([key, ms]) => `${ui.t(`impact.timing.${key}`)} ${Math.round(ms!)} ms`)
      .join(' · ');
  }

  function canWrite(): boolean {
    const role = incidents.getState().session?.role;
    return (role === 'operator' || role === 'admin') && ui.store.getState().mode !== 'wall';
  }

  function render(): void {
    const state = incidents.getState();
    const incident = state.incidents[incidentId];
    if (!incident) {
      releaseBar.replaceChildren();
      return void root.replaceChildren();
    }
    const buttons = canWrite()
      ? INCIDENT_TRANSITIONS[incident.state].map((to: IncidentState) =>
          h(
            'button',
            {
              className: to === 'cancelled' ? 'secondary' : '',
              attrs: { type: 'button', 'data-transition': to },
              on: { click: () => run(() => client.transition(incidentId, to)) },
            },
            ui.t(`transitions.${to}`),
          ),
        )
      : [];
    const note = h('input', {
      attrs: { type: 'text', name: 'note', maxlength: '2000', 'aria-label': ui.t('incidents.addNote'), placeholder: ui.t('incidents.addNote') },
    });
    releaseBar.replaceChildren(
      ...nodes(
        state.takeover === incidentId
          ? h(
              'button',
              { className: 'release', attrs: { type: 'button', id: 'release-screen' }, on: { click: () => incidents.getState().setTakeover(null) } },
              ui.t('incidents.release'),
            )
          : null,
      ),
    );
    root.replaceChildren(
      ...nodes(
        // First: the server left parts out for this data role, and nobody should take this copy for the whole incident.
        incident.withheld
          ? h(
              'p',
              { className: 'hint incident-withheld', attrs: { 'data-withheld': String(incident.withheld.assets) } },
              ui.t('incidents.withheld', {
                assets: incident.withheld.assets,
                notes: incident.withheld.notes,
                dispatches: incident.withheld.dispatches,
              }),
            )
          : null,
        buttons.length ? h('div', { className: 'lifecycle' }, ...buttons) : null,
        impactSection(state.impact),
        incident.description
          ? h('details', { className: 'incident-description' }, h('summary', {}, ui.t('fields.description')), h('p', {}, incident.description))
          : null,
        incident.dispatches.length
          ? h(
              'div',
              {},
              h('h4', {}, ui.t('incidents.dispatches')),
              h(
                'ul',
                { className: 'dispatches' },
                ...incident.dispatches.map((d) => {
                  const next = nextDispatchState(d.state);
                  return h(
                    'li',
                    { attrs: { 'data-dispatch-id': d.id, 'data-state': d.state } },
                    `${d.unitName ?? d.unitId} · ${ui.t(`dispatchStates.${d.state}`)} `,
                    next && canWrite()
                      ? h(
                          'button',
                          {
                            attrs: { type: 'button', 'data-dispatch-next': next },
                            on: { click: () => run(() => client.moveDispatch(incidentId, d.id, next)) },
                          },
                          ui.t(`dispatchSteps.${next}`),
                        )
                      : null,
                  );
                }),
              ),
            )
          : null,
        h('h3', {}, ui.t('incidents.notes')),
        h(
          'ul',
          { className: 'notes' },
          ...incident.notes.map((n) => h('li', {}, `${n.by} · ${new Date(n.at).toLocaleTimeString()} — `, h('span', { className: 'note-text' }, n.text))),
        ),
        canWrite()
          ? h(
              'form',
              {
                className: 'add-note',
                on: {
                  submit: (event) => {
                    event.preventDefault();
                    if (note.value.trim()) run(() => client.addNote(incidentId, note.value.trim()));
                  },
                },
              },
              note,
              h('button', { attrs: { type: 'submit' } }, ui.t('incidents.addNote')),
            )
          : null,
      ),
    );
  }
  render();
  const stops = [
    watchAny(incidents, [(s) => s.incidents[incidentId], (s) => s.impact, (s) => s.session, (s) => s.takeover], render),
    watchAny(ui.store, [(s) => s.language, (s) => s.mode], render),
  ];
  return () => {
    stops.forEach((stop) => stop());
    releaseBar.remove();
    root.remove();
  };
}

/** The step forward from a dispatch's state (assigned → en route → on scene → released), or null once released. */
function nextDispatchState(state: DispatchState): DispatchState | null {
  return DISPATCH_TRANSITIONS[state][0] ?? null;
}
