/**
 * The viewer's /config.json from the server's environment, and the hosts the page's CSP must
 * then allow. Offline by default: no basemap.
 *   CIM_BASEMAP=tianditu TIANDITU_KEY=<key> [TIANDITU_LAYER=vec|img]
 *   CIM_BASEMAP=xyz CIM_BASEMAP_URL=https://host/{z}/{x}/{y}.png [CIM_BASEMAP_CREDIT=…]
 */
export function viewerConfigFromEnv(env: Record<string, string | undefined>): { config: object; hosts: string[] } {
  const base = { tilesUrl: '/tiles/', dataUrl: '/data/' };
  if (env['CIM_BASEMAP'] === 'tianditu') {
    const key = env['TIANDITU_KEY'];
    if (!key) throw new Error('CIM_BASEMAP=tianditu needs TIANDITU_KEY (a Tianditu browser key)');
    const layer = env['TIANDITU_LAYER'] === 'img' ? 'img' : 'vec';
    return { config: { ...base, basemap: { type: 'tianditu', key, layer } }, hosts: ['https://*.tianditu.gov.cn'] };
  }
  if (env['CIM_BASEMAP'] === 'xyz') {
    const url = env['CIM_BASEMAP_URL'];
    if (!url) throw new Error('CIM_BASEMAP=xyz needs CIM_BASEMAP_URL (an XYZ template with {z}/{x}/{y})');
    const origin = new URL(url.replace(/[{}]/g, '')).origin;
    return { config: { ...base, basemap: { type: 'xyz', url, credit: env['CIM_BASEMAP_CREDIT'] ?? '' } }, hosts: [origin] };
  }
  return { config: base, hosts: [] };
}
