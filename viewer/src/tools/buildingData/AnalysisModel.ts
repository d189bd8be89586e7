import type { PluginContext } from '../../platform/LayerPlugin.js';

/**
 * What a building tool keeps between scenes: its last result, the error of its last try, whether
 * it is busy, and listeners (the instance draws, the panel shows). A run that fails keeps the
 * previous result: bad input changes nothing on screen.
 */
export class AnalysisModel<R> {
  result: R | undefined;
  error: string | undefined;
  busy = false;
  private readonly listeners = new Set<() => void>();

  constructor(readonly context: PluginContext) {}

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  changed(): void {
    for (const listener of this.listeners) listener();
  }

  /** Runs an analysis: the result replaces the last one; a failure rejects and keeps it. */
  async run(analysis: () => Promise<R>): Promise<R> {
    this.busy = true;
    this.changed();
    try {
      const result = await analysis();
      this.result = result;
      this.error = undefined;
      return result;
    } finally {
      this.busy = false;
      this.changed();
    }
  }

  fail(error: unknown): void {
    this.error = error instanceof Error ? error.message : String(error);
    this.changed();
  }

  destroy(): void {
    this.listeners.clear();
  }
}
