/** Starts the sensors worker (a literal URL, so the bundler finds and bundles it). */
export function spawnSensorsWorker(): Worker {
  return new Worker(new URL('./sensorsWorker.ts', import.meta.url), { type: 'module', name: 'sensors' });
}
