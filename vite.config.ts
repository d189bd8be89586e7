import { cpSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin, type UserConfig } from 'vite';

const root = dirname(fileURLToPath(import.meta.url));
const cesiumBuild = join(root, 'node_modules/cesium/Build/Cesium');

/** Cesium's workers and assets, served from our own origin under /cesium/ (no CDN, no ion). */
function copyCesiumAssets(outDir: string): Plugin {
  return {
    name: 'cim-twin-copy-cesium-assets',
    apply: 'build',
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

export default defineConfig(cesiumPageConfig('viewer', 'dist/viewer'));
