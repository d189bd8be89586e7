import { Workspace } from 'epanet-js';

let loading: Promise<Workspace> | undefined;

/**
 * The EPANET engine (OWA EPANET compiled to WebAssembly by epanet-js), loaded once per thread:
 * the default build carries its WebAssembly inline, so it loads the same way in Node, in a
 * browser Web Worker and from a bundle, without fetching a .wasm file. A workspace holds the
 * engine and its in-memory file system; several models (projects) share it.
 */
export function epanetWorkspace(): Promise<Workspace> {
  loading ??= (async () => {
    const workspace = new Workspace();
    await workspace.loadModule();
    return workspace;
  })();
  // A failed load (no WebAssembly, out of memory) is retried by the next caller.
  loading.catch(() => (loading = undefined));
  return loading;
}
