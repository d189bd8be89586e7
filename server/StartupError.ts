/** Where a server listens and the settings that change it, to name them when listening fails. */
export interface ListenSetting {
  /** "HTTP", "MQTT TCP". */
  service: string;
  host: string;
  port: number;
  portVariable: string;
  hostVariable: string;
}

/**
 * A problem the operator fixes in the configuration (a port in use, a malformed setting):
 * `npm start` prints its message alone, with no stack, and exits with code 1.
 */
export class StartupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StartupError';
  }

  /** What a failed listen means, naming the setting that changes it; other errors are returned as they are. */
  static fromListenError(error: unknown, setting: ListenSetting): Error {
    const { service, host, port, portVariable, hostVariable } = setting;
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    const where = `${host.includes(':') ? `[${host}]` : host}:${port}`;
    if (code === 'EADDRINUSE')
      return new StartupError(`${service} port ${port} is already in use (${where}, another CIM Twin?): set ${portVariable} to a free port`);
    if (code === 'EACCES') return new StartupError(`${service} port ${port} needs privileges (${where}): set ${portVariable} to a port above 1023`);
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND')
      return new StartupError(`${service}: ${host} is not an address of this machine: set ${hostVariable} (e.g. 127.0.0.1, or 0.0.0.0 for every interface)`);
    return error instanceof Error ? error : new Error(String(error));
  }
}
