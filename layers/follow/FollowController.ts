import { mayActAs } from '../../workers/formats/dataAccess.js';
import { FOLLOW_MAX_UPDATES_PER_SECOND, FOLLOW_SESSION_PATTERN, type FollowMessage } from '../../workers/formats/followSession.js';
import { readTokenOf, type SignInStore } from '../../viewer/src/platform/SignInStore.js';
import type { ViewerCommands } from '../../viewer/src/platform/UiContext.js';
import { watchAny, type ViewerStore } from '../../viewer/src/platform/ViewerStore.js';
import { ServerApiError } from '../../viewer/src/platform/serverApi.js';
import type { FollowClient } from './FollowClient.js';
import { FollowFeed } from './FollowFeed.js';
import type { FollowStore } from './followState.js';
import { followUpdateOf } from './followUpdateOf.js';

/** The leader sends at most this often; the server takes 5 a second with a little burst to spare. */
const SEND_INTERVAL_MS = 1000 / FOLLOW_MAX_UPDATES_PER_SECOND;
/**
 * A follower takes a moving leader's camera at once: its states come 5 a second, which is the
 * motion; a flight per state would lag (a wall drawing 2 frames a second took 3 s for a 0.4 s
 * flight). A leap (another district, a feature framed) is flown, so the room sees where it goes.
 */
const CAMERA_FOLLOW_SECONDS = 0;
const LEAP_SECONDS = 1;
const LEAP_METRES = 2000;

/**
 * Linked screens on one viewer: following a session (its states applied to this screen: the
 * view flown to, the selection, layers and underground view set) and leading one (this screen's
 * view, selection and layers sent when they change, at most 5 a second, the latest state last).
 * A screen does not follow the session it leads.
 */
export class FollowController {
  private feed: FollowFeed | undefined;
  private stopLeadWatch: (() => void) | undefined;
  private sendTimer: ReturnType<typeof setTimeout> | undefined;
  private inFlight = false;
  private lastSentAt = 0;
  private lastSentKey = '';

  constructor(
    private readonly options: {
      viewer: ViewerStore;
      follow: FollowStore;
      commands: ViewerCommands;
      client: FollowClient;
      signIn: SignInStore;
      /** The broker's WebSocket URL; undefined without a live backbone (nothing to follow). */
      mqttUrl: string | undefined;
    },
  ) {}

  /** The scene is built and its first view loaded: a camera flown to before it had no camera to move. */
  sceneReady(): void {
    const view = this.options.follow.getState().current?.view;
    if (view && 'camera' in view) void this.options.commands.flyTo(view.camera, { duration: 0 });
  }

  follow(session: string): void {
    checkSession(session);
    if (!this.options.mqttUrl) throw new Error('this viewer has no live feed (config "live"): it cannot follow');
    if (this.options.follow.getState().leading === session) throw new Error(`this screen leads "${session}": it cannot follow it too`);
    this.unfollow();
    this.options.follow.setState({ following: session, current: null, connection: 'connecting', error: null });
    this.feed = new FollowFeed({
      mqttUrl: this.options.mqttUrl,
      session,
      onConnection: (connection) => this.options.follow.setState(connection === 'live' ? { connection, liveAt: performance.now() } : { connection }),
      onMessage: (message) => this.apply(message),
      onRefused: (reason) => console.warn(`follow: a message on "${session}" was dropped (${reason})`),
      token: () => readTokenOf(this.options.signIn.getState()),
    });
    this.feed.start();
  }

  unfollow(): void {
    this.feed?.stop();
    this.feed = undefined;
    this.options.follow.setState({ following: null, current: null, connection: 'off' });
  }

  /** Starts leading `session` with an operator's or admin's sign-in: the current state goes out at once. */
  async lead(session: string): Promise<void> {
    checkSession(session);
    const signedIn = this.options.signIn.getState().session;
    if (!signedIn || !mayActAs(signedIn.role, 'operator')) throw new Error('leading screens needs an operator or admin signed in');
    if (this.options.follow.getState().following === session) this.unfollow();
    this.stopLeading();
    this.options.follow.setState({ leading: session, sent: null, error: null });
    this.lastSentKey = '';
    const { viewer } = this.options;
    this.stopLeadWatch = watchAny(viewer, [(s) => s.camera, (s) => s.selection, (s) => s.layers, (s) => s.underground], () => this.schedule());
    await this.send();
  }

  /** Stops leading; followers are told nobody leads (the session's retained state is cleared). */
  async stop(): Promise<void> {
    const session = this.options.follow.getState().leading;
    this.stopLeading();
    const token = this.options.signIn.getState().session?.token;
    if (session && token) await this.options.client.stop(session, token);
  }

  destroy(): void {
    this.unfollow();
    this.stopLeading();
  }

  private stopLeading(): void {
    this.stopLeadWatch?.();
    this.stopLeadWatch = undefined;
    clearTimeout(this.sendTimer);
    this.sendTimer = undefined;
    this.options.follow.setState({ leading: null });
  }

  /** A change while leading: sent now, or once the interval since the last send has passed (then the latest state). */
  private schedule(): void {
    if (this.sendTimer || this.inFlight) return;
    const wait = this.lastSentAt + SEND_INTERVAL_MS - performance.now();
    // At once when the interval has passed: a timer fires late on a page busy drawing tiles.
    if (wait <= 0) return void this.send();
    this.sendTimer = setTimeout(() => {
      this.sendTimer = undefined;
      void this.send();
    }, wait);
  }

  private async send(): Promise<void> {
    const session = this.options.follow.getState().leading;
    const signedIn = this.options.signIn.getState().session;
    if (!session) return;
    if (!signedIn) {
      this.stopLeading();
      this.options.follow.setState({ error: 'signed out: leading stopped' });
      return;
    }
    const update = followUpdateOf(this.options.viewer.getState());
    const key = JSON.stringify(update);
    if (key === this.lastSentKey) return; // only on change
    this.inFlight = true;
    this.lastSentAt = performance.now();
    try {
      const message = await this.options.client.publish(session, update, signedIn.token);
      this.lastSentKey = key;
      this.options.follow.setState((s) => ({ sent: { seq: message.seq, at: message.at }, sentCount: s.sentCount + 1, error: null }));
    } catch (error) {
      const refused = error instanceof ServerApiError ? error : undefined;
      this.options.follow.setState({ error: (error as Error).message });
      if (refused && (refused.status === 401 || refused.status === 403)) return this.stopLeading();
      if (refused?.status === 429) this.lastSentAt = performance.now() + (refused.retryAfterSeconds ?? 1) * 1000 - SEND_INTERVAL_MS;
    } finally {
      this.inFlight = false;
    }
    // What changed while this one was on its way goes next (schedule drops it when nothing did).
    if (this.options.follow.getState().leading === session && JSON.stringify(followUpdateOf(this.options.viewer.getState())) !== this.lastSentKey)
      this.schedule();
  }

  /** A state of the followed session, applied to this screen (an older or repeated one is dropped). */
  private apply(message: FollowMessage | null): void {
    const { follow, viewer, commands } = this.options;
    if (message === null) return follow.setState({ current: null });
    const current = follow.getState().current;
    if (message.session !== follow.getState().following) return;
    // The sequence restarts when a session is stopped and led again (or the server restarts): older means both lower and earlier.
    if (current && message.seq <= current.seq && Date.parse(message.at) <= Date.parse(current.at)) return;
    follow.setState((s) => ({ current: message, applied: s.applied + 1, appliedAt: performance.now() }));
    const state = viewer.getState();
    if (state.tour.running) state.setTour(false); // the leader drives the wall now
    for (const [id, layer] of Object.entries(message.layers)) {
      const mine = viewer.getState().layers[id];
      if (!mine) continue; // a layer this screen's config does not have
      if (mine.visible !== layer.visible) viewer.getState().setLayerVisible(id, layer.visible);
      if (mine.opacity !== layer.opacity) viewer.getState().setLayerOpacity(id, layer.opacity);
    }
    if (state.underground !== message.underground) state.setUnderground(message.underground);
    const selection = viewer.getState().selection;
    if (selection?.tileset !== message.selection?.tileset || selection?.id !== message.selection?.id) viewer.getState().select(message.selection);
    const view = message.view;
    if ('camera' in view) {
      // From where this screen is heading: the last state's camera while its flight may still be on.
      const from = current && 'camera' in current.view ? current.view.camera : viewer.getState().camera;
      const metres = distanceMetres(from, view.camera);
      void commands.flyTo(view.camera, { duration: metres > LEAP_METRES ? LEAP_SECONDS : CAMERA_FOLLOW_SECONDS }).then(() => {
        // Before the scene is built there is no camera to fly: the scene starts from the store's view.
        if (follow.getState().current === message && distanceMetres(viewer.getState().camera, view.camera) > 1) viewer.getState().setCamera(view.camera);
      });
    } else if (!current || JSON.stringify(current.view) !== JSON.stringify(view)) {
      void commands.flyTo({ featureId: view.feature.id, tileset: view.feature.tileset }, { duration: LEAP_SECONDS });
    }
  }
}

function checkSession(session: string): void {
  if (!FOLLOW_SESSION_PATTERN.test(session)) throw new Error(`"${session}" is not a session name: 1 to 64 letters, digits, "-" or "_"`);
}

/** Straight-line distance between two camera positions (an equirectangular approximation: good to a few metres across a city). */
function distanceMetres(a: { lon: number; lat: number; height: number }, b: { lon: number; lat: number; height: number }): number {
  const metresPerDegree = 111_320;
  const dx = (b.lon - a.lon) * metresPerDegree * Math.cos(((a.lat + b.lat) / 2) * (Math.PI / 180));
  const dy = (b.lat - a.lat) * metresPerDegree;
  return Math.hypot(dx, dy, b.height - a.height);
}
