import type { ViewerConfig } from '../../../workers/formats/viewerConfig.js';
import type { FeatureDescription, PluginRuntime, SearchHit } from '../platform/LayerPlugin.js';
import type { FlyTarget, ViewerCommands } from '../platform/UiContext.js';
import type { ViewerEvents } from '../platform/ViewerEvents.js';
import type { FeatureRef } from '../platform/ViewerState.js';
import { rangeFor, viewLookingAt } from '../platform/viewLookingAt.js';
import type { ViewerStore } from '../platform/ViewerStore.js';
import type { SceneHost } from '../scene/SceneHost.js';
import { createClockCommands } from './clock/createClockCommands.js';

/**
 * The viewer's commands (see ViewerCommands): the toolbar, the info panel, the alarm list and
 * the page API all go through these, so "go to a feature" is written once.
 */
export function createCommands(
  store: ViewerStore,
  host: SceneHost,
  plugins: readonly PluginRuntime[],
  config: ViewerConfig,
  events: ViewerEvents,
): ViewerCommands {
  const pluginOf = (layerId: string): PluginRuntime | undefined => {
    const kind = config.layers.find((l) => l.id === layerId)?.kind;
    return plugins.find((p) => p.kind === kind);
  };

  async function describe(feature: FeatureRef): Promise<FeatureDescription | null> {
    return (await host.layer(feature.tileset)?.describe?.(feature.id)) ?? null;
  }

  // The latest request to move the camera wins: a feature's flight waits for its location, and a
  // camera set meanwhile (a linked screen's next state) must not be undone when that arrives.
  let flightRequests = 0;

  const commands: ViewerCommands = {
    async flyTo(target: FlyTarget, options = {}) {
      const duration = options.duration ?? 2;
      if (!(typeof target === 'object' && 'featureId' in target)) flightRequests++;
      if (typeof target === 'string') {
        const found = config.bookmarks.find((b) => b.id === target);
        if (!found) throw new Error(`no bookmark "${target}"`);
        return host.flyTo(found.view, duration);
      }
      if ('featureId' in target) {
        await commands.goToFeature({ tileset: target.tileset ?? defaultSearchLayer(config), id: target.featureId }, { duration });
        return;
      }
      if ('pitch' in target) return host.flyTo(target, duration);
      const height = target.height ?? 0;
      return host.flyTo(viewLookingAt(target.lon, target.lat, height, target.range ?? rangeFor(height)), duration);
    },

    async goToFeature(feature, options = {}) {
      const request = ++flightRequests;
      const location = await pluginOf(feature.tileset)?.locate(feature.tileset, feature.id);
      if (!location) {
        store.getState().select(null);
        return null;
      }
      if (request === flightRequests) {
        // A feature below the ground (a pipe) is seen from below it, in underground view.
        if (location.height < 0) store.getState().setUnderground(true);
        await host.flyTo(
          viewLookingAt(location.lon, location.lat, location.height, rangeFor(location.height), location.height < 0 ? -50 : -35),
          options.duration ?? 2,
        );
      }
      store.getState().select(feature);
      // Described at once when it is drawn already (a sensor, a loaded building), else once the view's tiles are in.
      const described = await commands.describeSelection();
      if (described) return described.properties;
      await host.waitForTiles();
      return (await commands.describeSelection())?.properties ?? null;
    },

    async describeSelection() {
      const selection = store.getState().selection;
      const description = selection ? await describe(selection) : null;
      if (store.getState().selection !== selection) return description; // superseded meanwhile
      events.emit('select', {
        feature: selection,
        properties: description?.properties ?? null,
        ...(description?.nameField ? { nameField: description.nameField } : {}),
      });
      return description;
    },

    async search(query, limit = 12): Promise<SearchHit[]> {
      const lists = await Promise.all(plugins.map((p) => p.search(query, limit)));
      return lists
        .flat()
        .sort((a, b) => b.score - a.score || a.id.localeCompare(b.id))
        .slice(0, limit);
    },

    stats: () => host.stats(),
    clock: createClockCommands(store),
  };
  return commands;
}

/** The layer `flyTo({featureId})` searches when none is named: the first searchable tileset. */
export function defaultSearchLayer(config: ViewerConfig): string {
  return config.layers.find((l) => l.kind === 'tileset' && l.searchIndex !== undefined)?.id ?? '';
}
