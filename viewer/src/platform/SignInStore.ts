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
export type SignInStore = StoreApi<{ session: SignedIn | null }>;

export function createSignInStore(): SignInStore {
  return createStore<{ session: SignedIn | null }>()(() => ({ session: null }));
}
