import { cpSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const root = dirname(fileURLToPath(import.meta.url));
const cesiumBuild = join(root, 'node_modules/cesium/Build/Cesium');
const outDir = join(root, 'dist/viewer');

/** Cesium's workers, assets and widget CSS, served from our own origin under /cesium/ (no CDN, no ion). */
function copyCesiumAssets(): Plugin {
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

export default defineConfig({
  root: join(root, 'viewer'),
  base: '/',
  publicDir: false,
  build: { outDir, emptyOutDir: true, chunkSizeWarningLimit: 6000, sourcemap: false },
  define: { CESIUM_BASE_URL: JSON.stringify('/cesium/') },
  plugins: [copyCesiumAssets()],
});
