import type { Server } from 'node:net';
import { type ListenSetting, StartupError } from './StartupError.js';

/** Listens on the setting's host and port; a port in use (or the like) is a StartupError naming the variable to change. */
export function listenOn(server: Server, setting: ListenSetting): Promise<void> {
  return new Promise((resolve, reject) => {
    const fail = (error: Error): void => reject(StartupError.fromListenError(error, setting));
    server.once('error', fail);
    server.listen(setting.port, setting.host, () => {
      server.off('error', fail);
      resolve();
    });
  });
}
