import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin, type UserConfig } from 'vite';
import type { OutputAsset } from 'rolldown';

const root = dirname(fileURLToPath(import.meta.url));
const cesiumBuild = join(root, 'node_modules/cesium/Build/Cesium');

/** Cesium's workers and assets, served from our own origin under /cesium/ (no CDN, no ion). */
function copyCesiumAssets(outDir: string): Plugin {
  return {
    name: 'cim-twin-copy-cesium-assets',
    apply: 'build',
    // Into the build's real output folder (a caller may build elsewhere, e.g. a staging folder).
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir);
    },
    closeBundle() {
      for (const folder of ['Workers', 'ThirdParty', 'Assets', 'Widgets']) {
        cpSync(join(cesiumBuild, folder), join(outDir, 'cesium', folder), { recursive: true });
      }
    },
  };
}

/** A CesiumJS page build: the viewer, and the bare CesiumJS page the viewer benchmark compares against. */
export function cesiumPageConfig(pageRoot: string, outDir: string): UserConfig {
  return {
    root: join(root, pageRoot),
    base: '/',
    publicDir: false,
    build: {
      outDir: join(root, outDir),
      emptyOutDir: true,
      chunkSizeWarningLimit: 6000,
      sourcemap: false,
      // Copying Cesium's assets takes most of a build: timing warnings about it read like failures to a new user.
      rolldownOptions: { checks: { bundlerTimings: false } },
    },
    define: { CESIUM_BASE_URL: JSON.stringify('/cesium/') },
    plugins: [copyCesiumAssets(join(root, outDir))],
  };
}

/**
 * The viewer's stylesheet again at a fixed address, /embed/cim-twin.css: the <cim-twin> element
 * adopts it into its shadow root (styles on the host page's document would not reach in, and
 * ours must not leak out).
 */
function embedStylesheet(): Plugin {
  return {
    name: 'cim-twin-embed-stylesheet',
    apply: 'build',
    // After Vite's own CSS step has put the stylesheet in the bundle.
    writeBundle(options, bundle) {
      const css = Object.values(bundle).filter((file): file is OutputAsset => file.type === 'asset' && file.fileName.endsWith('.css'));
      if (css.length !== 1) this.error(`expected the viewer's CSS in one file (cssCodeSplit off), found ${css.length}`);
      mkdirSync(join(options.dir!, 'embed'), { recursive: true });
      writeFileSync(join(options.dir!, 'embed', 'cim-twin.css'), css[0]!.source);
    },
  };
}

/**
 * The viewer's build: the standalone page (index.html), the page an iframe embeds
 * (embed.html) and the <cim-twin> web component, one ES module at a fixed address
 * (/embed/cim-twin.js) that hosts load from our server. One stylesheet for all (the element
 * adopts it), and no module-preload links: those would be injected into a host's document and
 * resolved against the host's origin.
 */
function viewerBuildConfig(): UserConfig {
  const page = cesiumPageConfig('viewer', 'dist/viewer');
  return {
    ...page,
    // Not CESIUM_BASE_URL itself: define would write '/cesium/' into Cesium's own lookup, which
    // then resolves against the page — the host's origin for <cim-twin>. app/cesiumBaseUrl.ts
    // sets the global from this path and its module's address instead.
    define: { __CIM_TWIN_CESIUM_PATH__: JSON.stringify('/cesium/') },
    build: {
      ...page.build,
      cssCodeSplit: false,
      modulePreload: false,
      rolldownOptions: {
        ...page.build!.rolldownOptions,
        input: {
          index: join(root, 'viewer/index.html'),
          embed: join(root, 'viewer/embed.html'),
          'cim-twin': join(root, 'viewer/src/embed/cimTwinElement.ts'),
        },
        output: { entryFileNames: (chunk) => (chunk.name === 'cim-twin' ? 'embed/cim-twin.js' : 'assets/[name]-[hash].js') },
      },
    },
    plugins: [...(page.plugins ?? []), embedStylesheet()],
  };
}

export default defineConfig(viewerBuildConfig());
