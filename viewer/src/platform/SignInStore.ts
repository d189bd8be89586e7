import type { Role } from '../../../workers/formats/dataAccess.js';
import { createStore, type StoreApi } from 'zustand/vanilla';

/** Who is signed in on this viewer: the account, its role and the server's bearer token. */
export interface SignedIn {
  username: string;
  role: Role;
  token: string;
  expiresAt: string;
}

/**
 * One viewer's sign-in, shared by its plugins: the plugin that signs in (incidents) writes it,
 * others that write to the server (linked screens) read the token here. Apart from the viewer's
 * store so that the token never reaches `getState()`, the URL or the page's events.
 */
export interface SignInState {
  session: SignedIn | null;
  /** The demo sign-in's data-role token (docs/access.md): reads go with it while no account is signed in. */
  dataToken: string | null;
}

export type SignInStore = StoreApi<SignInState>;

export function createSignInStore(dataToken: string | null = null): SignInStore {
  return createStore<SignInState>()(() => ({ session: null, dataToken }));
}

/**
 * The token reads of role-controlled data go with (pipes, sensors, history, alarms): the signed-in
 * account's, else the demo sign-in's data role, else none (public). Writes use the session's only.
 */
export function readTokenOf(state: SignInState): string | undefined {
  return state.session?.token ?? state.dataToken ?? undefined;
}
