import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createDemoServer, type DemoServerOptions } from '../../server/createDemoServer.js';
import { demoPaths, prepareDemo } from '../../server/prepareDemo.js';
import { type LiveBackbone, type LiveBackboneOptions, startLiveBackbone } from '../../server/live/startLiveBackbone.js';

/** Builds what the demo needs (as `npm start` does) and serves it on a free loopback port. */
export async function startDemoServer(
  options: { live?: Omit<LiveBackboneOptions, 'http' | 'generatedDir' | 'mqttPort'> | false; server?: Omit<DemoServerOptions, 'api'> } = {},
): Promise<{ url: string; live: LiveBackbone | undefined; close: () => Promise<void> }> {
  const paths = demoPaths(join(import.meta.dirname, '../..'));
  await prepareDemo(paths, () => undefined);
  let live: LiveBackbone | undefined;
  const server = createDemoServer(paths, { ...options.server, api: (request, response) => live?.api(request, response) ?? false });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  if (options.live !== false) live = await startLiveBackbone({ http: server, generatedDir: paths.groundDir, mqttPort: 0, ...options.live });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    live,
    close: async () => {
      await live?.close();
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
    },
  };
}
