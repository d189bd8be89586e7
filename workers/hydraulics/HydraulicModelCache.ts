import { HydraulicModel } from './HydraulicModel.js';

/**
 * Open models by key, so a worker parses a model's .inp once and answers every what-if on it
 * from memory (parsing the seed model takes longer than a what-if). Keeps the `capacity` most
 * recently used; a model pushed out is closed.
 */
export class HydraulicModelCache {
  private readonly models = new Map<string, Promise<HydraulicModel>>();

  constructor(private readonly capacity = 2) {}

  /** The model under `key`, opened from `inp` the first time; `inp` may be left out once it is open. */
  async get(key: string, inp?: string | Uint8Array): Promise<HydraulicModel> {
    let model = this.models.get(key);
    if (!model) {
      if (inp === undefined) throw new Error(`the hydraulic model "${key}" is not open in this worker: send its .inp text with the request`);
      model = HydraulicModel.fromInp(inp);
      model.catch(() => this.models.delete(key));
      this.models.set(key, model);
    } else {
      this.models.delete(key);
      this.models.set(key, model); // most recently used last
    }
    while (this.models.size > this.capacity) {
      const [oldest, evicted] = this.models.entries().next().value!;
      this.models.delete(oldest);
      void evicted.then((m) => m.close()).catch(() => undefined);
    }
    return model;
  }
}
