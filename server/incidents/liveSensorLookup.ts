import type { LiveBackbone } from '../live/startLiveBackbone.js';
import type { SensorLookup } from './createIncidentsApi.js';

/** A datastream's sensor and latest reading from the live backbone, read when asked (the backbone may start later or be off). */
export function liveSensorLookup(live: () => LiveBackbone | undefined): SensorLookup {
  return (datastreamId) => {
    const backbone = live();
    const entry = backbone?.catalog[datastreamId - 1];
    if (!backbone || !entry) return undefined;
    const time = backbone.store.latest.time[entry.id]!;
    const value = backbone.store.latest.value[entry.id]!;
    return {
      sensor: { datastreamId: entry.id, name: entry.name, type: entry.type, lon: entry.lon, lat: entry.lat, feature: entry.feature },
      reading: Number.isFinite(time) && Number.isFinite(value) ? { time, value } : undefined,
    };
  };
}
