import type { Incident, IncidentState } from '../../../workers/formats/incident.js';
import { INCIDENT_TRANSITIONS } from '../../../workers/incidents/incidentLifecycle.js';
import type { UiContext } from '../../../viewer/src/platform/UiContext.js';
import { h, nodes } from '../../../viewer/src/platform/h.js';
import { watchAny } from '../../../viewer/src/platform/ViewerStore.js';
import type { IncidentClient } from '../IncidentClient.js';
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

  const run = (action: () => Promise<Incident>): void => {
    void action()
      .then((incident) => {
        incidents.getState().upsert(incident);
        incidents.getState().setMessage(null);
      })
      .catch((error: Error) => incidents.getState().setMessage(error.message));
  };

  function impactSection(impact: IncidentImpact | null): HTMLElement {
    if (!impact || impact.incidentId !== incidentId) return h('p', { className: 'hint' }, ui.t('incidents.impactWorking'));
    const count = (key: string, n: number): HTMLElement =>
      h('li', { attrs: { 'data-count': key } }, h('span', { className: 'count' }, String(n)), ' ', ui.t(`impact.${key}`));
    return h(
      'div',
      { className: 'impact' },
      h('h3', {}, `${ui.t('impact.title')} (${Math.round(impact.tookMs)} ms)`),
      h(
        'ul',
        { className: 'impact-counts' },
        count('valves', impact.valves.length),
        count('isolatedEdges', impact.isolatedEdges.length),
        count('buildings', impact.buildings.length),
        count('criticalFacilities', impact.criticalFacilities.length),
        count('sensors', impact.sensors.length),
      ),
      impact.valves.length
        ? h('p', { className: 'valves' }, `${ui.t('impact.closeInOrder')}: `, impact.valves.map((v) => `${v.order}. ${v.id}`).join(', '))
        : null,
      impact.criticalFacilities.length
        ? h(
            'ul',
            { className: 'facilities' },
            ...impact.criticalFacilities.map((f) => h('li', {}, `${f.name} (${ui.t(`facility.${f.kind}`, undefined, f.kind)})`)),
          )
        : null,
      impact.resources.length
        ? h(
            'ul',
            { className: 'resources' },
            ...impact.resources.map((r) =>
              h(
                'li',
                { attrs: { 'data-unit': r.unitId } },
                `${r.name} · ${Math.round(r.etaSeconds / 60)} min `,
                canWrite()
                  ? h(
                      'button',
                      {
                        attrs: { type: 'button', 'data-dispatch': r.unitId },
                        on: {
                          click: () =>
                            run(() =>
                              client.dispatch(incidentId, { unitId: r.unitId, unitKind: r.kind as 'fire', unitName: r.name, etaSeconds: r.etaSeconds }),
                            ),
                        },
                      },
                      ui.t('incidents.dispatch'),
                    )
                  : null,
              ),
            ),
          )
        : null,
      ...impact.notes.map((note) => h('p', { className: 'hint' }, note)),
    );
  }

  function canWrite(): boolean {
    const role = incidents.getState().session?.role;
    return (role === 'operator' || role === 'admin') && ui.store.getState().mode !== 'wall';
  }

  function render(): void {
    const state = incidents.getState();
    const incident = state.incidents[incidentId];
    if (!incident) return void root.replaceChildren();
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
    root.replaceChildren(
      ...nodes(
        state.takeover === incidentId
          ? h(
              'button',
              { className: 'release', attrs: { type: 'button', id: 'release-screen' }, on: { click: () => incidents.getState().setTakeover(null) } },
              ui.t('incidents.release'),
            )
          : null,
        buttons.length ? h('div', { className: 'lifecycle' }, ...buttons) : null,
        impactSection(state.impact),
        incident.dispatches.length
          ? h(
              'ul',
              { className: 'dispatches' },
              ...incident.dispatches.map((d) => h('li', {}, `${d.unitName ?? d.unitId} · ${ui.t(`dispatchStates.${d.state}`)}`)),
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
    root.remove();
  };
}
