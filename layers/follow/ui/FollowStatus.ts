import type { SignInStore } from '../../../viewer/src/platform/SignInStore.js';
import type { UiContext } from '../../../viewer/src/platform/UiContext.js';
import { h } from '../../../viewer/src/platform/h.js';
import { watchAny } from '../../../viewer/src/platform/ViewerStore.js';
import type { FollowController } from '../FollowController.js';
import type { FollowStore } from '../followState.js';

/**
 * Linked screens on screen: a small badge in the status strip while this screen follows a
 * session ("following wall — led by li.na"), and for a signed-in operator a small panel in the
 * right dock with the "Lead screens" toggle (not on a wall: a wall is led, it does not lead).
 * Text only, through `h`.
 */
export function mountFollowStatus(
  statusStrip: HTMLElement,
  dock: HTMLElement,
  ui: UiContext,
  follow: FollowStore,
  signIn: SignInStore,
  controller: FollowController,
  leadSession: string,
): () => void {
  const badge = h('span', { className: 'follow-badge', attrs: { role: 'status', 'data-follow': '' } });
  const toggle = h('button', {
    className: 'follow-lead',
    attrs: { type: 'button', 'aria-pressed': 'false' },
    on: {
      click: () => {
        const leading = follow.getState().leading;
        const next = leading ? controller.stop() : controller.lead(leadSession);
        next.catch((error: unknown) => follow.setState({ error: (error as Error).message }));
      },
    },
  });
  const problem = h('p', { className: 'follow-error', attrs: { role: 'alert' } });
  const panel = h('aside', { id: 'follow-panel', className: 'panel' }, toggle, problem);
  statusStrip.append(badge);
  dock.append(panel);

  function render(): void {
    const state = follow.getState();
    badge.hidden = state.following === null;
    if (state.following !== null) {
      badge.dataset['follow'] = state.following;
      badge.textContent =
        state.connection !== 'live'
          ? ui.t('follow.connecting', { session: state.following })
          : state.current
            ? state.current.leader !== null
              ? ui.t('follow.badge', { session: state.following, leader: state.current.leader })
              : ui.t('follow.badgeNoName', { session: state.following }) // a public screen is not told who leads
            : ui.t('follow.noLeader', { session: state.following });
    }
    const role = signIn.getState().session?.role;
    panel.hidden = !(role === 'operator' || role === 'admin') || ui.store.getState().mode === 'wall';
    toggle.setAttribute('aria-pressed', String(state.leading !== null));
    toggle.textContent = state.leading ? ui.t('follow.leading', { session: state.leading }) : ui.t('follow.lead', { session: leadSession });
    problem.textContent = state.error ?? '';
    problem.hidden = state.error === null;
  }
  render();
  const stops = [
    watchAny(follow, [(s) => s.following, (s) => s.current, (s) => s.connection, (s) => s.leading, (s) => s.error], render),
    watchAny(signIn, [(s) => s.session], render),
    watchAny(ui.store, [(s) => s.language, (s) => s.mode], render),
  ];
  return () => {
    stops.forEach((stop) => stop());
    badge.remove();
    panel.remove();
  };
}
