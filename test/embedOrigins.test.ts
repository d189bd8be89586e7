import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createDemoServer } from '../server/createDemoServer.js';
import { demoPaths } from '../server/prepareDemo.js';
import { StartupError } from '../server/StartupError.js';
import { embedOriginsFromEnv, viewerConfigFromEnv } from '../server/viewerConfig.js';
import { embedOriginProblem } from '../workers/formats/embedOrigins.js';

describe('the embedding origins', () => {
  it('takes full origins only, normalised as browsers write them', () => {
    expect(embedOriginsFromEnv({ CIM_EMBED_ORIGINS: ' https://Cockpit.Example.gov.cn , http://10.0.0.5:8081,https://a.example:443' })).toEqual([
      'https://cockpit.example.gov.cn',
      'http://10.0.0.5:8081',
      'https://a.example',
    ]);
    expect(embedOriginsFromEnv({})).toEqual([]);
    for (const bad of [
      '*',
      'https://*.example.com',
      'https://a.example/cockpit',
      'https://a.example/?x=1',
      'ftp://a.example',
      'a.example',
      'https://u:p@a.example',
      "'self'",
    ])
      expect(embedOriginProblem(bad), bad).toBeTypeOf('string');
  });

  it('stops the server with one sentence on a bad origin, in the environment or the config file', () => {
    expect(() => viewerConfigFromEnv({ CIM_EMBED_ORIGINS: 'https://ok.example,https://*.example.com' })).toThrow(StartupError);
    expect(() => viewerConfigFromEnv({ CIM_EMBED_ORIGINS: 'https://*.example.com' })).toThrow(/CIM_EMBED_ORIGINS: "https:\/\/\*\.example\.com" has a wildcard/);
    const file = join(import.meta.dirname, 'fixtures', 'embed-config-bad-origin.json');
    expect(() => viewerConfigFromEnv({ CIM_CONFIG: file })).toThrow(/embed\.origins.*has a path/);
  });

  it('the config file and CIM_EMBED_ORIGINS make one list, served in /config.json', () => {
    const file = join(import.meta.dirname, 'fixtures', 'embed-config.json');
    const { config } = viewerConfigFromEnv({ CIM_CONFIG: file, CIM_EMBED_ORIGINS: 'http://127.0.0.1:9999' });
    expect(config.embed).toEqual({ origins: ['https://cockpit.example.gov.cn', 'http://127.0.0.1:9999'] });
    expect(viewerConfigFromEnv({}).config.embed).toBeUndefined();
  });

  it("sets frame-ancestors: only 'self' by default (and X-Frame-Options), the listed origins when set", async () => {
    const headersOf = async (env: Record<string, string>): Promise<Headers> => {
      const server = createDemoServer(demoPaths(join(import.meta.dirname, '..')), { env: { CIM_LIVE: 'off', ...env } });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      try {
        return (await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/healthz`)).headers;
      } finally {
        server.close();
      }
    };
    const closed = await headersOf({});
    expect(closed.get('content-security-policy')).toMatch(/frame-ancestors 'self'(;|$)/);
    expect(closed.get('x-frame-options')).toBe('SAMEORIGIN');
    const open = await headersOf({ CIM_EMBED_ORIGINS: 'https://cockpit.example.gov.cn,http://127.0.0.1:9999' });
    expect(open.get('content-security-policy')).toMatch(/frame-ancestors 'self' https:\/\/cockpit\.example\.gov\.cn http:\/\/127\.0\.0\.1:9999(;|$)/);
    // X-Frame-Options cannot name another origin: left out, so browsers go by frame-ancestors.
    expect(open.get('x-frame-options')).toBeNull();
  });
});
