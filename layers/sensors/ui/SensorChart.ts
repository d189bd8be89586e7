import type uPlot from 'uplot';
import { h } from '../../../viewer/src/platform/h.js';

interface Observations {
  value: { phenomenonTime: string; result: number }[];
}

/**
 * The last hour of a sensor: the SensorThings history first, then every live reading as it
 * arrives (`follow`), history again after the feed was interrupted (`onResync`); warning and
 * alarm thresholds drawn. uPlot (canvas, ~50 kB) is loaded on first use so the viewer's bundle
 * does not carry it.
 */
export function mountSensorChart(
  parent: HTMLElement,
  options: {
    apiUrl: string;
    datastream: number;
    warning: number;
    alarm: number;
    unit: string;
    title: string;
    width: number;
    /** Subscribes to the sensor's live readings; returns the unsubscribe. */
    follow(listener: (time: number, value: number) => void): () => void;
    /** Subscribes to "the feed is back after a gap"; returns the unsubscribe. */
    onResync(listener: () => void): () => void;
  },
): () => void {
  const root = h('div', { className: 'sensor-chart', attrs: { 'data-datastream': String(options.datastream) } }, h('p', { className: 'hint' }, options.title));
  parent.append(root);
  let chart: uPlot | undefined;
  let stopped = false;
  /** Seconds and values, oldest first. */
  let times: number[] = [];
  let values: number[] = [];

  async function draw(): Promise<void> {
    const data: uPlot.AlignedData = [times, values, times.map(() => options.warning), times.map(() => options.alarm)];
    root.dataset['points'] = String(times.length);
    if (chart) return chart.setData(data);
    const [{ default: UPlot }] = await Promise.all([import('uplot'), import('uplot/dist/uPlot.min.css' as string)]);
    if (stopped || chart) return;
    chart = new UPlot(
      {
        width: options.width,
        height: Math.round(options.width * 0.5),
        legend: { show: false },
        axes: [{ stroke: '#9fb3cc' }, { stroke: '#9fb3cc', label: options.unit }],
        series: [{}, { stroke: '#4cc9f0', width: 2 }, { stroke: '#ffb000', dash: [6, 4] }, { stroke: '#ff1744', dash: [6, 4] }],
      },
      [times, values, times.map(() => options.warning), times.map(() => options.alarm)],
      root,
    );
  }

  async function loadHistory(): Promise<void> {
    const since = new Date(Date.now() - HOUR_MS).toISOString();
    const response = await fetch(
      `${options.apiUrl}/v1.1/Datastreams(${options.datastream})/Observations?$top=2000&$orderby=phenomenonTime asc&$filter=phenomenonTime ge ${since}`,
    );
    if (!response.ok || stopped) return;
    const { value } = (await response.json()) as Observations;
    times = value.map((o) => Date.parse(o.phenomenonTime) / 1000);
    values = value.map((o) => o.result);
    await draw();
  }

  function append(timeMs: number, value: number): void {
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

  void loadHistory();
  const stops = [options.follow(append), options.onResync(() => void loadHistory())];
  return () => {
    stopped = true;
    stops.forEach((stop) => stop());
    chart?.destroy();
    root.remove();
  };
}

const HOUR_MS = 3_600_000;
