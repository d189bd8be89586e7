import { describe, expect, it } from 'vitest';
import { readObservationPages, type ObservationsPage } from './observationPages.js';

/** A server's pages of 2 rows each over `rows` readings, linked by relative nextLinks. */
function pagedServer(rows: number): { fetchPage: (url: string) => Promise<ObservationsPage>; asked: string[] } {
  const asked: string[] = [];
  const fetchPage = (url: string): Promise<ObservationsPage> => {
    asked.push(url);
    const skip = Number(new URL(url).searchParams.get('after') ?? 0);
    const value = Array.from({ length: Math.min(2, rows - skip) }, (_, i) => ({ phenomenonTime: new Date((skip + i) * 1000).toISOString(), result: skip + i }));
    return Promise.resolve(skip + 2 < rows ? { value, '@iot.nextLink': `Observations?after=${skip + 2}` } : { value });
  };
  return { fetchPage, asked };
}

describe('a chart’s readings over SensorThings pages', () => {
  it('follows nextLinks (relative to the page) until the last page', async () => {
    const server = pagedServer(7);
    const read = await readObservationPages('http://twin.test/v1.1/Datastreams(3)/Observations', server.fetchPage);
    expect(read?.value.map((o) => o.result)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(read?.truncated).toBe(false);
    expect(server.asked.at(-1)).toBe('http://twin.test/v1.1/Datastreams(3)/Observations?after=6');
  });

  it('stops after the page bound and says so', async () => {
    const server = pagedServer(100);
    const read = await readObservationPages('http://twin.test/Observations', server.fetchPage, () => true, 3);
    expect(read?.value).toHaveLength(6);
    expect(read?.truncated).toBe(true);
    expect(server.asked).toHaveLength(3);
  });

  it('an answer no longer wanted (a newer load started) or a failed page gives nothing', async () => {
    const server = pagedServer(10);
    let wanted = true;
    const read = readObservationPages(
      'http://twin.test/Observations',
      (url) => ((wanted = false), server.fetchPage(url)),
      () => wanted,
    );
    expect(await read).toBeUndefined();
    expect(await readObservationPages('http://twin.test/Observations', () => Promise.resolve(undefined))).toBeUndefined();
  });
});
