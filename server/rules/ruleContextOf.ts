import { existsSync, readFileSync } from 'node:fs';
import type { NetworkDocument } from '../../workers/formats/networkDocument.js';
import { type RuleContext, ruleContext } from '../../workers/rules/RuleContext.js';
import type { CatalogEntry } from '../live/SensorCatalog.js';

/**
 * The rules' context on a server: the live catalogue's sensors and the water network of the
 * pipe tileset (network.json). Without the file the network rules stay silent and the others run.
 */
export function ruleContextOf(catalog: readonly CatalogEntry[], network: NetworkDocument | string | null): RuleContext {
  const doc = typeof network === 'string' ? (existsSync(network) ? (JSON.parse(readFileSync(network, 'utf8')) as NetworkDocument) : null) : network;
  return ruleContext(
    catalog.map((e) => ({ datastreamId: e.id, name: e.name, type: e.type, lon: e.lon, lat: e.lat, feature: e.feature })),
    doc,
  );
}
