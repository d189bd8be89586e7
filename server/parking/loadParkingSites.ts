import { readFileSync } from 'node:fs';
import type { ParkingSite } from '../../workers/formats/parking.js';
import { parkingSitesFromGeoJson } from '../../workers/parking/parkingSites.js';

/** The seeds' parking file name in the generated folder (seeds/generator/generateParking.ts writes it). */
export const PARKING_SITES_FILE = 'nankai-parking.geojson';

/** The parking sites of a file; an unreadable file or site stops the start with its name and the reason. */
export function loadParkingSites(file: string): ParkingSite[] {
  try {
    return parkingSitesFromGeoJson(JSON.parse(readFileSync(file, 'utf8')));
  } catch (error) {
    throw new Error(`parking sites ${file}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}
