import { createViewer, type CimTwinViewer } from './createViewer.js';
import { isRole, type Role, UTILITY_ROLES } from '../../workers/formats/dataAccess.js';

/**
 * The standalone page: one viewer filling the window, its state in the URL, its API on
 * `window.cimTwin`; `window.CimTwin.createViewer` mounts more (tests, and hosts that load the
 * page's bundle).
 *
 * On the demo server (no accounts file) it signs in with a data role first — `internal` unless
 * the visitor chose another in this tab — so `npm start` shows every pipe; a deployment with
 * accounts answers 404 and the page starts public until a user signs in. A change of role
 * mounts a new viewer: its layers were made with the old role's token and config. A sign-in
 * token may be handed over in the fragment (`#token=`), as to the embed page: taken out of the
 * address bar and history at once, never sent in a request line; it wins over the demo role.
 */
const DEMO_ROLES: readonly Role[] = ['public', 'internal', ...UTILITY_ROLES];
/** The role chosen in this tab (a role name, never a token). */
const DEMO_ROLE_KEY = 'cim-twin.demoRole';

async function demoSignIn(role: Role): Promise<{ role: Role; token: string | null } | undefined> {
  try {
    const response = await fetch('api/auth/demo', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ role }) });
    if (!response.ok) return undefined; // 404: a deployment with its own accounts
    const body = (await response.json()) as { role?: unknown; token?: unknown };
    return isRole(body.role) ? { role: body.role, token: typeof body.token === 'string' ? body.token : null } : undefined;
  } catch {
    return undefined;
  }
}

const app = document.getElementById('app')!;
let viewer: CimTwinViewer | undefined;
let mounting: Promise<void> = Promise.resolve();

async function mount(accountToken: string | undefined): Promise<void> {
  viewer?.destroy();
  const stored = sessionStorage.getItem(DEMO_ROLE_KEY);
  const demo = await demoSignIn(isRole(stored) && DEMO_ROLES.includes(stored) ? stored : 'internal');
  viewer = await createViewer(app, {
    query: location.search,
    syncPage: true,
    ...(accountToken ? { token: accountToken } : {}),
    ...(demo
      ? {
          dataRole: {
            ...demo,
            choices: DEMO_ROLES,
            switchTo: (role: Role, token: string | undefined) => {
              sessionStorage.setItem(DEMO_ROLE_KEY, role);
              remount(token);
            },
          },
        }
      : {}),
    onDataRoleChange: (token) => remount(token),
  });
  Object.assign(window, { cimTwin: viewer.api, CimTwin: { createViewer, viewer } });
}

function remount(accountToken: string | undefined): void {
  mounting = mounting.then(() => mount(accountToken));
}

const handedOver = new URLSearchParams(location.hash.slice(1)).get('token') ?? undefined;
if (handedOver) history.replaceState(null, '', `${location.pathname}${location.search}`);
mounting = mount(handedOver);
await mounting;
