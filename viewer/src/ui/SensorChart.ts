import type uPlot from 'uplot';
import { h } from './h.js';

interface Observations {
  value: { phenomenonTime: string; result: number }[];
}

/**
 * The last hour of a sensor, from the SensorThings history, refreshed every few seconds while
 * open, with the warning and alarm thresholds drawn. uPlot (canvas, ~50 kB) is loaded on first
 * use so the viewer's bundle does not carry it.
 */
export function mountSensorChart(
  parent: HTMLElement,
  options: { apiUrl: string; datastream: number; warning: number; alarm: number; unit: string; title: string; width: number },
): () => void {
  const root = h('div', { className: 'sensor-chart', attrs: { 'data-datastream': String(options.datastream) } }, h('p', { className: 'hint' }, options.title));
  parent.append(root);
  let chart: uPlot | undefined;
  let stopped = false;

  async function refresh(): Promise<void> {
    const since = new Date(Date.now() - 3_600_000).toISOString();
    const response = await fetch(
      `${options.apiUrl}/v1.1/Datastreams(${options.datastream})/Observations?$top=2000&$orderby=phenomenonTime asc&$filter=phenomenonTime ge ${since}`,
    );
    if (!response.ok || stopped) return;
    const { value } = (await response.json()) as Observations;
    const times = value.map((o) => Date.parse(o.phenomenonTime) / 1000);
    const data: uPlot.AlignedData = [times, value.map((o) => o.result), times.map(() => options.warning), times.map(() => options.alarm)];
    if (chart) return chart.setData(data);
    const [{ default: UPlot }] = await Promise.all([import('uplot'), import('uplot/dist/uPlot.min.css' as string)]);
    if (stopped) return;
    chart = new UPlot(
      {
        width: options.width,
        height: Math.round(options.width * 0.5),
        legend: { show: false },
        axes: [{ stroke: '#9fb3cc' }, { stroke: '#9fb3cc', label: options.unit }],
        series: [{}, { stroke: '#4cc9f0', width: 2 }, { stroke: '#ffb000', dash: [6, 4] }, { stroke: '#ff1744', dash: [6, 4] }],
      },
      data,
      root,
    );
    root.dataset['points'] = String(value.length);
  }

  void refresh();
  const timer = setInterval(() => void refresh(), 5000);
  return () => {
    stopped = true;
    clearInterval(timer);
    chart?.destroy();
    root.remove();
  };
}
