import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createDemoServer } from '../../server/createDemoServer.js';
import { demoPaths, prepareDemo } from '../../server/prepareDemo.js';

/** Builds what the demo needs (as `npm start` does) and serves it on a free loopback port. */
export async function startDemoServer(): Promise<{ url: string; close: () => Promise<void> }> {
  const paths = demoPaths(join(import.meta.dirname, '../..'));
  await prepareDemo(paths, () => undefined);
  const server = createDemoServer(paths);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
