import { StartupError } from './StartupError.js';

/** A port setting (PORT, MQTT_PORT): its value, or the default when unset; `explicit` tells which. */
export function portFromEnv(env: Record<string, string | undefined>, variable: string, fallback: number): { port: number; explicit: boolean } {
  const text = env[variable]?.trim();
  if (!text) return { port: fallback, explicit: false };
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535)
    throw new StartupError(`${variable} must be a port number from 0 to 65535 (0: any free port), not ${JSON.stringify(text)}`);
  return { port, explicit: true };
}
