import type { Footprint } from '../formats/incident.js';
import { AreaIndex, areaImpact, type AreaImpact } from './areaImpact.js';
import type { AreaSources } from './AreaSources.js';

/** `analysis.areaImpact`. */
export interface AreaImpactRequest {
  footprint: Footprint;
  /** The radius for a point footprint (metres). */
  pointRadiusMetres?: number;
}

export interface AreaSourcesLoaded {
  buildings: number;
  pois: number;
  sensors: number;
  pipes: number;
  milliseconds: number;
}

/** The handlers of the area requests, sharing the index they load. */
export function areaRequestHandlers(): {
  'analysis.loadAreaSources': (sources: AreaSources) => AreaSourcesLoaded;
  'analysis.areaImpact': (request: AreaImpactRequest) => AreaImpact;
} {
  let index: AreaIndex | null = null;
  return {
    'analysis.loadAreaSources': (sources) => {
      const started = performance.now();
      index = new AreaIndex(sources);
      return {
        buildings: sources.buildings.ids.length,
        pois: sources.pois.ids.length,
        sensors: sources.sensors.ids.length,
        pipes: sources.pipes.ids.length,
        milliseconds: performance.now() - started,
      };
    },
    'analysis.areaImpact': ({ footprint, pointRadiusMetres }) => {
      if (!index) throw new Error('analysis.areaImpact: no area sources loaded (send analysis.loadAreaSources first)');
      return areaImpact(index, footprint, pointRadiusMetres === undefined ? {} : { pointRadiusMetres });
    },
  };
}
