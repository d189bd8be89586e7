import type uPlot from 'uplot';
import { h } from '../../../viewer/src/platform/h.js';
import { readObservationPages, type ObservationsPage } from './observationPages.js';

/**
 * A sensor's readings: live, the last hour from the SensorThings history first, then every live
 * reading as it arrives (`follow`), history again after the feed was interrupted (`onResync`);
 * in a replay (`replayTime` gives the time the sensors show), the hour around that time with a
 * cursor at it, reloaded when the replay leaves the middle half of the window. Warning and
 * alarm thresholds drawn. uPlot (canvas, ~50 kB) is loaded on first use so the viewer's bundle
 * does not carry it.
 */
export function mountSensorChart(
  parent: HTMLElement,
  options: {
    apiUrl: string;
    /** The sign-in's bearer token now (none: public): a pipe sensor's history is read with its role. */
    token?: () => string | undefined;
    datastream: number;
    warning: number;
    alarm: number;
    unit: string;
    title: string;
    /** The title in a replay, around a time (ms). */
    titleAround(time: number): string;
    width: number;
    /** Subscribes to the sensor's readings (live, or as a replay applies them); returns the unsubscribe. */
    follow(listener: (time: number, value: number) => void): () => void;
    /** Subscribes to "the feed is back after a gap"; returns the unsubscribe. */
    onResync(listener: () => void): () => void;
    /** The replay time the sensors show (ms), undefined when live. */
    replayTime(): number | undefined;
    /** Subscribes to changes of the replay time (a seek, playback, back to live); returns the unsubscribe. */
    onReplayTime(listener: () => void): () => void;
  },
): () => void {
  const title = h('p', { className: 'hint' }, options.title);
  const root = h('div', { className: 'sensor-chart', attrs: { 'data-datastream': String(options.datastream) } }, title);
  parent.append(root);
  let chart: uPlot | undefined;
  /** Whether the chart was made with a replay's fixed x scale. */
  let chartForReplay = false;
  let stopped = false;
  /** Seconds and values, oldest first. */
  let times: number[] = [];
  let values: number[] = [];
  /** The replay window loaded (ms), undefined when live. */
  let span: { from: number; to: number } | undefined;
  /** Bumped by every load: an older answer never replaces a newer one. */
  let loads = 0;

  /** The replay's cursor: a vertical line at the time shown. */
  const cursorPlugin: uPlot.Plugin = {
    hooks: {
      draw: (u) => {
        const time = options.replayTime();
        if (time === undefined) return;
        const x = u.valToPos(time / 1000, 'x', true);
        if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) return;
        const context = u.ctx;
        context.save();
        context.strokeStyle = '#ffb300';
        context.lineWidth = 2 * devicePixelRatio;
        context.beginPath();
        context.moveTo(x, u.bbox.top);
        context.lineTo(x, u.bbox.top + u.bbox.height);
        context.stroke();
        context.restore();
      },
    },
  };

  function markCursor(): void {
    const time = options.replayTime();
    if (time === undefined) delete root.dataset['cursor'];
    else root.dataset['cursor'] = new Date(time).toISOString();
  }

  async function draw(): Promise<void> {
    const data: uPlot.AlignedData = [times, values, times.map(() => options.warning), times.map(() => options.alarm)];
    root.dataset['points'] = String(times.length);
    markCursor();
    if (chart) {
      chart.setData(data);
      if (span) chart.setScale('x', { min: span.from / 1000, max: span.to / 1000 });
      return;
    }
    const [{ default: UPlot }] = await Promise.all([import('uplot'), import('uplot/dist/uPlot.min.css' as string)]);
    if (stopped || chart) return;
    chartForReplay = span !== undefined;
    chart = new UPlot(
      {
        width: options.width,
        height: Math.round(options.width * 0.5),
        legend: { show: false },
        plugins: [cursorPlugin],
        axes: [{ stroke: '#9fb3cc' }, { stroke: '#9fb3cc', label: options.unit }],
        series: [{}, { stroke: '#4cc9f0', width: 2 }, { stroke: '#ffb000', dash: [6, 4] }, { stroke: '#ff1744', dash: [6, 4] }],
        ...(span
          ? {
              scales: {
                x: {
                  time: true,
                  auto: false,
                  // Going live clears span before the live chart replaces this one: a live append meanwhile keeps the data's range.
                  range: (_u, min, max): uPlot.Range.MinMax => (span ? [span.from / 1000, span.to / 1000] : [min, max]),
                },
              },
            }
          : {}),
      },
      data,
      root,
    );
  }

  async function loadHistory(): Promise<void> {
    const load = ++loads;
    const centre = options.replayTime();
    span = centre === undefined ? undefined : { from: centre - HOUR_MS / 2, to: centre + HOUR_MS / 2 };
    const filter = span
      ? `phenomenonTime ge '${new Date(span.from).toISOString()}' and phenomenonTime le '${new Date(span.to).toISOString()}'`
      : `phenomenonTime ge ${new Date(Date.now() - HOUR_MS).toISOString()}`;
    // A fast sensor's hour spans several pages: the nextLinks are followed (bounded).
    const read = await readObservationPages(
      `${options.apiUrl}/v1.1/Datastreams(${options.datastream})/Observations?$top=2000&$orderby=phenomenonTime%20asc&$filter=${encodeURIComponent(filter)}`,
      async (url) => {
        const token = options.token?.();
        const response = await fetch(url, token ? { headers: { Authorization: `Bearer ${token}` } } : {});
        return response.ok ? ((await response.json()) as ObservationsPage) : undefined;
      },
      () => !stopped && load === loads,
    );
    if (!read || stopped || load !== loads) return;
    const { value } = read;
    // The x scale is fixed in a replay and automatic live: a change of mode makes a new chart.
    if (chart && chartForReplay !== (span !== undefined)) {
      chart.destroy();
      chart = undefined;
    }
    title.textContent = centre === undefined ? options.title : options.titleAround(centre);
    times = value.map((o) => Date.parse(o.phenomenonTime) / 1000);
    values = value.map((o) => o.result);
    root.dataset['window'] = span ? `${new Date(span.from).toISOString()}/${new Date(span.to).toISOString()}` : 'live';
    await draw();
  }

  function append(timeMs: number, value: number): void {
    if (span) return; // a replay's window holds its readings already; the cursor moves instead
    const time = timeMs / 1000;
    if (times.length && time <= times.at(-1)!) return; // older or the same: the history has it
    times.push(time);
    values.push(value);
    const oldest = times.findIndex((t) => t >= (Date.now() - HOUR_MS) / 1000);
    if (oldest > 0) {
      times = times.slice(oldest);
      values = values.slice(oldest);
    }
    void draw();
  }

  /** The replay moved (or ended): the cursor follows; a window is loaded when it leaves the middle half, or live again. */
  function replayMoved(): void {
    const time = options.replayTime();
    if (time === undefined) {
      if (span) void loadHistory();
      return;
    }
    if (!span || time < span.from + HOUR_MS / 4 || time > span.to - HOUR_MS / 4) return void loadHistory();
    markCursor();
    chart?.redraw(false, false);
  }

  void loadHistory();
  const stops = [options.follow(append), options.onResync(() => !span && void loadHistory()), options.onReplayTime(replayMoved)];
  return () => {
    stopped = true;
    stops.forEach((stop) => stop());
    chart?.destroy();
    root.remove();
  };
}

const HOUR_MS = 3_600_000;
