import type { Incident } from '../../../workers/formats/incident.js';
import { emergencyLevel } from '../../../workers/standards/gbt35561.js';
import type { UiContext } from '../../../viewer/src/platform/UiContext.js';
import { h, nodes } from '../../../viewer/src/platform/h.js';
import { watchAny } from '../../../viewer/src/platform/ViewerStore.js';
import type { IncidentClient } from '../IncidentClient.js';
import { showIncident } from '../showIncident.js';
import { sortedIncidents, type IncidentsStore } from '../incidentsState.js';

/**
 * Open incidents, newest first, each with its level's colour, state and an overdue flag; click
 * to fly there and open its card. Operators sign in here (planner mode: a wall has no editing).
 */
export function mountIncidentList(parent: HTMLElement, ui: UiContext, incidents: IncidentsStore, client: IncidentClient, layerId: string): () => void {
  const root = h('aside', { id: 'incidents', className: 'panel', attrs: { 'aria-live': 'polite' } });
  parent.append(root);

  function item(incident: Incident): HTMLElement {
    const level = emergencyLevel(incident.classification.level);
    const english = ui.store.getState().language === 'en';
    const time = new Date(incident.sent).toLocaleTimeString(english ? 'en-GB' : 'zh-CN', { hour12: false });
    return h(
      'li',
      {
        className: `incident state-${incident.state}${incident.overdue ? ' overdue' : ''}`,
        attrs: { 'data-incident': incident.id, style: `border-left-color:${level?.css ?? '#888'}` },
      },
      h(
        'button',
        {
          className: 'incident-go',
          attrs: { type: 'button' },
          on: { click: () => void showIncident(ui, layerId, incident, 1.5) },
        },
        h('span', { className: 'incident-name' }, `${level?.numeral ?? ''} ${incident.headline}`),
        h(
          'span',
          { className: 'incident-detail' },
          [
            ui.t(`incidentStates.${incident.state}`),
            time,
            incident.status === 'Exercise' ? ui.t('incidents.exercise') : '',
            incident.overdue ? ui.t('incidents.overdue') : '',
          ]
            .filter(Boolean)
            .join(' · '),
        ),
      ),
    );
  }

  function signInForm(): HTMLElement {
    const user = h('input', {
      attrs: { type: 'text', name: 'username', autocomplete: 'username', placeholder: ui.t('incidents.username'), 'aria-label': ui.t('incidents.username') },
    });
    const password = h('input', {
      attrs: {
        type: 'password',
        name: 'password',
        autocomplete: 'current-password',
        placeholder: ui.t('incidents.password'),
        'aria-label': ui.t('incidents.password'),
      },
    });
    const form = h(
      'form',
      {
        className: 'sign-in',
        on: {
          submit: (event) => {
            event.preventDefault();
            void client
              .signIn(user.value, password.value)
              .then((session) => {
                incidents.getState().setSession(session);
                incidents.getState().setMessage(null);
              })
              .catch((error: Error) => incidents.getState().setMessage(`${ui.t('incidents.signInFailed')}: ${error.message}`));
          },
        },
      },
      user,
      password,
      h('button', { attrs: { type: 'submit' } }, ui.t('incidents.signIn')),
    );
    return form;
  }

  function render(): void {
    const state = incidents.getState();
    const wall = ui.store.getState().mode === 'wall';
    root.hidden = state.connection === 'off';
    const list = sortedIncidents(state.incidents).filter((i) => i.state !== 'closed' && i.state !== 'cancelled');
    const session = state.session;
    // The incidents first, the account and the demo's data role after them: while a feature is
    // selected the dock keeps this panel to its heading and first entries (viewer/src/style.css).
    root.replaceChildren(
      ...nodes(
        h('h2', {}, `${ui.t('incidents.title')} (${list.length})`),
        state.message ? h('p', { className: 'message', attrs: { role: 'alert' } }, state.message) : null,
        list.length ? h('ul', {}, ...list.slice(0, 30).map(item)) : h('p', { className: 'hint' }, ui.t('incidents.none')),
        wall
          ? null
          : session
            ? h(
                'p',
                { className: 'session' },
                `${session.username} · ${ui.t(`roles.${session.role}`)} `,
                h(
                  'button',
                  { attrs: { type: 'button', id: 'sign-out' }, on: { click: () => incidents.getState().setSession(null) } },
                  ui.t('incidents.signOut'),
                ),
              )
            : signInForm(),
        wall ? null : dataRoleRow(ui),
      ),
    );
  }
  render();
  const stops = [
    watchAny(incidents, [(s) => s.incidents, (s) => s.session, (s) => s.message, (s) => s.connection], render),
    watchAny(ui.store, [(s) => s.language, (s) => s.mode], render),
  ];
  return () => {
    stops.forEach((stop) => stop());
    root.remove();
  };
}

/**
 * The demo's data role, beside the sign-in: what this viewer reads pipes with while no account
 * is signed in, and a choice of another (the page reloads the layers with it). Absent outside
 * the demo, where users sign in with their own accounts.
 */
function dataRoleRow(ui: UiContext): HTMLElement | null {
  const dataRole = ui.dataRole;
  if (!dataRole) return null;
  const select = h(
    'select',
    {
      attrs: { id: 'data-role', 'aria-label': ui.t('dataRole.label') },
      on: { change: () => dataRole.switchTo(select.value as typeof dataRole.role) },
    },
    ...dataRole.choices.map((role) => h('option', { attrs: { value: role } }, ui.t(`dataRole.roles.${role}`))),
  );
  select.value = dataRole.role;
  return h('p', { className: 'data-role' }, h('label', {}, `${ui.t('dataRole.label')} `, select));
}
