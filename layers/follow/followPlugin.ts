import type { FollowMessage, FollowSessionSummary } from '../../workers/formats/followSession.js';
import { definePlugin } from '../../viewer/src/platform/LayerPlugin.js';
import { readTokenOf, type SignInStore } from '../../viewer/src/platform/SignInStore.js';
import './follow.css';
import en from './i18n.en.json';
import zhCN from './i18n.zh-CN.json';
import { FollowClient } from './FollowClient.js';
import { FollowController } from './FollowController.js';
import { createFollowStore, type FollowStore } from './followState.js';
import { keepSocketForApi } from './keepSocketForApi.js';
import { mountFollowStatus } from './ui/FollowStatus.js';

export interface FollowState {
  follow: FollowStore;
  client: FollowClient;
  signIn: SignInStore;
  mqttUrl: string | undefined;
  /** The session to follow at start: `?follow=<session>` (empty: none), else the config's wall session on a wall. */
  startSession: string | undefined;
  /** The session the "Lead screens" toggle leads. */
  leadSession: string;
  /** Made when the UI mounts (it needs the viewer's commands); the page API goes through it. */
  controller: FollowController | undefined;
}

/** The page API's `follow` part (documented in docs/emergency.md, "Linked screens"). */
export interface FollowPageApi {
  follow: {
    /** Leads `session` (an operator or admin must be signed in): this screen's view, selection and layers go to every follower. */
    lead(session?: string): Promise<void>;
    /** Stops leading; followers are told nobody leads. */
    stop(): Promise<void>;
    /** Follows `session` (stops following another). */
    follow(session: string): void;
    unfollow(): void;
    state(): {
      following: string | null;
      leading: string | null;
      current: FollowMessage | null;
      connection: string;
      applied: number;
      /** When the feed became live and when the last state was applied (the page's performance.now(), ms). */
      liveAt: number | null;
      appliedAt: number | null;
      sentCount: number;
      error: string | null;
    };
    /** The server's sessions, with their leader and last update. */
    sessions(): Promise<FollowSessionSummary[]>;
  };
}

/** The broker's WebSocket URL: a path means the page's own origin. */
function absoluteMqttUrl(url: string, baseUrl: string): string {
  if (/^wss?:\/\//.test(url)) return url;
  const base = new URL(baseUrl);
  return `${base.protocol === 'https:' ? 'wss' : 'ws'}://${base.host}${url.startsWith('/') ? '' : '/'}${url}`;
}

function controllerOf(state: FollowState): FollowController {
  if (!state.controller) throw new Error('the viewer is not mounted');
  return state.controller;
}

/**
 * Linked screens (大屏联动): a screen follows a session an operator leads — the view, the
 * selected feature (an incident), the layers and the underground view — over the broker's
 * retained topic. Draws no layer: a badge in the status strip, the "Lead screens" toggle in the right dock.
 */
export const followPlugin = definePlugin<FollowState>({
  kind: 'follow',
  messages: { 'zh-CN': zhCN, en },
  createState: ({ config, baseUrl, query, signIn, store }) => {
    const params = new URLSearchParams(query);
    const asked = params.get('follow');
    const wallSession = config.follow?.wallSession;
    const startSession = asked !== null ? asked || undefined : store.getState().mode === 'wall' ? wallSession : undefined;
    const apiOrigin = config.live?.apiUrl || new URL(baseUrl).origin;
    if (config.live) keepSocketForApi(apiOrigin);
    return {
      follow: createFollowStore(),
      client: new FollowClient(apiOrigin),
      signIn,
      mqttUrl: config.live ? absoluteMqttUrl(config.live.mqttUrl, baseUrl) : undefined,
      startSession,
      leadSession: wallSession ?? 'wall',
      controller: undefined,
    };
  },
  createLayer: () => undefined,
  mountUi: (ui, slots, state) => {
    const controller = new FollowController({
      viewer: ui.store,
      follow: state.follow,
      commands: ui.commands,
      client: state.client,
      signIn: state.signIn,
      mqttUrl: state.mqttUrl,
    });
    state.controller = controller;
    const stopReady = ui.events.on('ready', () => controller.sceneReady());
    const unmount = mountFollowStatus(slots.statusStrip, slots.right, ui, state.follow, state.signIn, controller, state.leadSession);
    if (state.startSession && state.mqttUrl) {
      try {
        controller.follow(state.startSession);
      } catch (error) {
        console.warn(`follow: ${(error as Error).message}`);
      }
    }
    return () => {
      stopReady();
      unmount();
      controller.destroy();
      state.controller = undefined;
    };
  },
  snapshot: (state) => {
    const s = state.follow.getState();
    return { follow: { following: s.following, leading: s.leading, leader: s.current?.leader ?? null, seq: s.current?.seq ?? null } };
  },
  pageApi: (state): Record<string, never> => {
    const api: FollowPageApi = {
      follow: {
        lead: (session) => controllerOf(state).lead(session ?? state.leadSession),
        stop: () => controllerOf(state).stop(),
        follow: (session) => controllerOf(state).follow(session),
        unfollow: () => controllerOf(state).unfollow(),
        state: () => {
          const s = state.follow.getState();
          return structuredClone({
            following: s.following,
            leading: s.leading,
            current: s.current,
            connection: s.connection,
            applied: s.applied,
            liveAt: s.liveAt,
            appliedAt: s.appliedAt,
            sentCount: s.sentCount,
            error: s.error,
          });
        },
        sessions: () => state.client.list(readTokenOf(state.signIn.getState())),
      },
    };
    return api as unknown as Record<string, never>;
  },
});
