import { Cartesian3, Color, DirectionalLight, type Light, Matrix4, PointPrimitiveCollection, Transforms } from 'cesium';
import { getPosition } from 'suncalc';
import type { FacadeSunlightResult, SunlightDay, SunlightResult } from '../../../../workers/formats/buildingAnalyses.js';
import { csvText, exportFileName, geoJsonText, saveFile } from '../../platform/exportFile.js';
import { h } from '../../platform/h.js';
import type { LayerContext, PluginContext } from '../../platform/LayerPlugin.js';
import { ToolInputLink } from '../../platform/ToolInputLink.js';
import { defineTool, type ToolInstance, type ToolPointerEvent } from '../../platform/ToolPlugin.js';
import { toolPanel } from '../../platform/toolPanel.js';
import type { UiContext } from '../../platform/UiContext.js';
import { AnalysisModel } from '../buildingData/AnalysisModel.js';
import { buildingsInWorker } from '../buildingData/buildingsInWorker.js';
import { sunlightMessages } from './sunlightMessages.js';

export const SUNLIGHT_TOOL = 'sunlight';
const DAYS: readonly SunlightDay[] = ['dahan', 'dongzhi', 'date'];
const POINT_COLOUR = Color.fromCssColorString('#ff2d55');
const NO_SUN = Color.fromCssColorString('#1d2b64');
const FULL_SUN = Color.fromCssColorString('#ffd60a');

interface SunlightInput {
  point: { lon: number; lat: number; height: number };
  day: SunlightDay;
  date: string;
  buildingId?: string;
}

/** `lon,lat,height;day;date[;building]` in the URL. */
function inputText(input: SunlightInput): string {
  const { lon, lat, height } = input.point;
  return [`${lon.toFixed(7)},${lat.toFixed(7)},${height.toFixed(2)}`, input.day, input.date, ...(input.buildingId ? [input.buildingId] : [])].join(';');
}

function parseInput(text: string): SunlightInput {
  const [point, day, date, buildingId] = text.split(';');
  const [lon, lat, height] = (point ?? '').split(',').map(Number) as [number, number, number];
  return { point: { lon, lat, height }, day: (day || 'dahan') as SunlightDay, date: date ?? '', ...(buildingId ? { buildingId } : {}) };
}

class SunlightModel extends AnalysisModel<SunlightResult> {
  facade: FacadeSunlightResult | undefined;
  input: SunlightInput | undefined;
  day: SunlightDay = 'dahan';
  date = String(new Date().getFullYear());
  /** The hour of true solar time the scene's sun stands at. */
  hour = 12;
  private readonly link: ToolInputLink;

  constructor(context: PluginContext) {
    super(context);
    this.link = new ToolInputLink(context.store, SUNLIGHT_TOOL, (input) => this.analyse(parseInput(input)).catch((error: unknown) => this.fail(error)));
    this.link.follow();
  }

  options(): { day: SunlightDay; date?: string } {
    return { day: this.day, ...(this.date ? { date: this.date } : {}) };
  }

  /** The page API's call: the point alone (the façade of a clicked building stays as it was). */
  sunlight(point: unknown, options?: unknown): Promise<SunlightResult> {
    return this.run(async () => {
      await buildingsInWorker(this.context);
      const result = await this.context.workers.request('planning.sunlight', { point, options: options ?? this.options() });
      this.input = { point: point as SunlightInput['point'], day: result.day, date: result.date };
      this.facade = undefined;
      this.wrote();
      return result;
    });
  }

  facadeSunlight(buildingId: unknown, options?: unknown): Promise<FacadeSunlightResult> {
    return (async () => {
      await buildingsInWorker(this.context);
      const facade = await this.context.workers.request('planning.facadeSunlight', { buildingId, options: options ?? this.options() });
      this.facade = facade;
      this.changed();
      return facade;
    })();
  }

  /** A click or a link: the point, and the building's façade when one was picked. */
  async analyse(input: SunlightInput): Promise<void> {
    this.day = input.day;
    if (input.date) this.date = input.date;
    const options = this.options();
    await this.run(async () => {
      await buildingsInWorker(this.context);
      const [result, facade] = await Promise.all([
        this.context.workers.request('planning.sunlight', { point: input.point, options }),
        input.buildingId ? this.context.workers.request('planning.facadeSunlight', { buildingId: input.buildingId, options }) : Promise.resolve(undefined),
      ]);
      this.facade = facade;
      this.input = { ...input, date: result.date, day: result.day };
      this.wrote();
      return result;
    });
  }

  private wrote(): void {
    if (this.input) this.link.write(inputText(this.input));
  }

  override destroy(): void {
    this.link.destroy();
    super.destroy();
  }
}

/**
 * Sunlight (日照分析): a click on the ground or a building (or `cimTwin.tools.sunlight({lon, lat,
 * height}, {date, day})`) → hours of direct sun over 大寒日 (or 冬至日, or a date) against the
 * buildings around, astronomical and inside GB 50180's window, and whether the residential
 * minimum is met (workers/planning/sunlight.ts in the planning worker). A clicked building's
 * walls are sampled and coloured by their effective hours. The scene's sun stands where it is at
 * the chosen hour of that day, with shadows on, while the tool is active.
 */
export const sunlightTool = defineTool({
  id: SUNLIGHT_TOOL,
  label: 'sunlight.label',
  messages: sunlightMessages,
  createState: (context) => new SunlightModel(context),
  create: (context, model) => new SunlightInstance(context, model),
  pageApi: (model) => ({
    sunlight: (point: unknown, options?: unknown) => model.sunlight(point, options),
    facadeSunlight: (buildingId: unknown, options?: unknown) => model.facadeSunlight(buildingId, options),
  }),
  mountPanel: (ui, container, model) => mountSunlightPanel(ui, container, model),
  destroyState: (model) => model.destroy(),
});

class SunlightInstance implements ToolInstance {
  readonly id = SUNLIGHT_TOOL;
  private readonly points = new PointPrimitiveCollection();
  private active = false;
  private saved: { light: Light; shadows: boolean } | undefined;
  private readonly stop: () => void;

  constructor(
    private readonly context: LayerContext,
    private readonly model: SunlightModel,
  ) {
    context.scene.primitives.add(this.points);
    this.stop = model.onChange(() => this.draw());
  }

  activate(): void {
    this.active = true;
    const { scene } = this.context;
    this.saved = { light: scene.light, shadows: scene.shadowMap.enabled };
    this.draw();
  }

  deactivate(): void {
    this.active = false;
    this.restoreSun();
    this.draw();
  }

  onPointer(event: ToolPointerEvent): boolean {
    if (event.kind !== 'click') return event.kind === 'double-click';
    if (!event.position) return true;
    const layer = this.context.config.tools?.buildingsLayer;
    const buildingId = event.feature && event.feature.tileset === layer ? event.feature.id : undefined;
    const input: SunlightInput = { point: event.position, day: this.model.day, date: this.model.date, ...(buildingId ? { buildingId } : {}) };
    this.model.analyse(input).catch((error: unknown) => this.model.fail(error));
    return true;
  }

  destroy(): void {
    this.stop();
    this.restoreSun();
    this.context.scene.primitives.remove(this.points);
  }

  private restoreSun(): void {
    if (!this.saved) return;
    this.context.scene.light = this.saved.light;
    this.context.scene.shadowMap.enabled = this.saved.shadows;
    this.saved = undefined;
    this.context.requestRender();
  }

  private draw(): void {
    this.points.removeAll();
    if (!this.active) return this.context.requestRender();
    const { result, facade, input } = this.model;
    if (input)
      this.points.add({
        position: Cartesian3.fromDegrees(input.point.lon, input.point.lat, input.point.height + 0.3),
        pixelSize: 10,
        color: POINT_COLOUR,
        outlineColor: Color.WHITE,
        outlineWidth: 2,
      });
    if (facade) {
      const full = facade.window ? (Date.parse(facade.window[1]) - Date.parse(facade.window[0])) / 3_600_000 : 8;
      for (const sample of facade.samples) {
        this.points.add({
          position: Cartesian3.fromDegrees(sample.lon, sample.lat, sample.height),
          pixelSize: 7,
          color: Color.lerp(NO_SUN, FULL_SUN, Math.min(1, sample.effectiveHours / full), new Color()),
        });
      }
    }
    if (result && input) this.placeSun(result, input.point);
    this.context.requestRender();
  }

  /** The scene's light from where the sun stands at the chosen hour (true solar time) of the analysed day; shadows on. */
  private placeSun(result: SunlightResult, point: { lon: number; lat: number; height: number }): void {
    const noon = (Date.parse(result.window[0]) + Date.parse(result.window[1])) / 2;
    const time = new Date(noon + (this.model.hour - 12) * 3_600_000);
    const sun = getPosition(time, point.lat, point.lon);
    const azimuth = (sun.azimuth * Math.PI) / 180;
    const altitude = (Math.max(sun.altitude, 1) * Math.PI) / 180;
    // East, north, up towards the sun; the light travels the other way.
    const towardsSun = new Cartesian3(Math.sin(azimuth) * Math.cos(altitude), Math.cos(azimuth) * Math.cos(altitude), Math.sin(altitude));
    const frame = Transforms.eastNorthUpToFixedFrame(Cartesian3.fromDegrees(point.lon, point.lat, point.height));
    const direction = Cartesian3.negate(Matrix4.multiplyByPointAsVector(frame, towardsSun, new Cartesian3()), new Cartesian3());
    const { scene } = this.context;
    scene.light = new DirectionalLight({ direction: Cartesian3.normalize(direction, direction), intensity: 2.5 });
    scene.shadowMap.enabled = true;
  }
}

function mountSunlightPanel(ui: UiContext, container: HTMLElement, model: SunlightModel): () => void {
  const t = (key: string, params?: Record<string, string | number>): string => ui.t(`sunlight.${key}`, params);
  const frame = toolPanel(ui, container, { id: 'sunlight-panel', title: t('title') });
  const rerun = (): void => {
    if (model.input) model.analyse({ ...model.input, day: model.day, date: model.date }).catch((error: unknown) => model.fail(error));
    else model.changed();
  };
  const daySelect = h(
    'select',
    { attrs: { name: 'day', 'aria-label': t('day') }, on: { change: () => ((model.day = daySelect.value as SunlightDay), rerun()) } },
    ...DAYS.map((day) => h('option', { attrs: { value: day } }, t(day))),
  ) as HTMLSelectElement;
  const dateInput = h('input', {
    attrs: { type: 'text', name: 'date', size: '10', 'aria-label': t('year') },
    on: { change: () => ((model.date = dateInput.value.trim()), rerun()) },
  }) as HTMLInputElement;
  const hourInput = h('input', {
    attrs: { type: 'range', name: 'hour', min: '6', max: '18', step: '0.25', 'aria-label': t('time') },
    on: { input: () => ((model.hour = Number(hourInput.value)), model.changed()) },
  }) as HTMLInputElement;
  const hourText = h('span', {});
  function render(): void {
    const { result, facade } = model;
    daySelect.value = model.day;
    if (document.activeElement !== dateInput) dateInput.value = model.date;
    hourInput.value = String(model.hour);
    hourText.textContent = `${Math.floor(model.hour)}:${String(Math.round((model.hour % 1) * 60)).padStart(2, '0')}`;
    const parts: (HTMLElement | string)[] = [
      h('label', { className: 'tool-field' }, t('day'), ' ', daySelect),
      h('label', { className: 'tool-field' }, t('year'), ' ', dateInput),
      h('label', { className: 'tool-field' }, t('time'), ' ', hourInput, ' ', hourText),
    ];
    if (model.error) parts.push(h('p', { className: 'tool-message tool-error', attrs: { role: 'alert' } }, model.error));
    if (!result) parts.push(h('p', { className: 'tool-message tool-hint' }, model.busy ? t('loading') : t('pick')));
    else {
      parts.push(
        h(
          'p',
          { className: 'tool-summary', attrs: { 'data-effective': String(result.effectiveHours) } },
          t('summary', {
            date: result.date,
            day: result.sunriseToSunsetHours.toFixed(2),
            sunlit: result.sunlitHours.toFixed(2),
            effective: result.effectiveHours.toFixed(2),
          }),
        ),
        h(
          'p',
          { className: result.meetsStandard === false ? 'tool-message tool-error' : 'tool-message' },
          result.meetsStandard === null ? t('noRule') : t(result.meetsStandard ? 'meets' : 'fails', { required: result.requiredHours ?? 0 }),
        ),
        h('p', { className: 'tool-note' }, result.standard),
      );
      if (facade) {
        parts.push(
          h(
            'p',
            { className: 'tool-facade' },
            t('facade', {
              id: facade.buildingId,
              samples: facade.samples.length,
              meeting: facade.meetingStandard ?? '–',
              min: facade.minEffectiveHours.toFixed(1),
              max: facade.maxEffectiveHours.toFixed(1),
            }),
          ),
          h('p', { className: 'tool-note' }, t('legend', { hours: model.day === 'dongzhi' ? 6 : 8 })),
        );
      }
    }
    frame.body.replaceChildren(...parts);
    frame.actions.replaceChildren(
      ...(result
        ? [
            h(
              'button',
              {
                attrs: { type: 'button' },
                on: {
                  click: () =>
                    saveFile(
                      exportFileName('sunlight', 'csv'),
                      'text/csv',
                      facade
                        ? csvText([
                            ['building', 'wall', 'lon', 'lat', 'height_m', 'facing_deg', 'sunlit_h', 'effective_h'],
                            ...facade.samples.map((s) => [facade.buildingId, s.wall, s.lon, s.lat, s.height, s.facing, s.sunlitHours, s.effectiveHours]),
                          ])
                        : csvText([
                            ['date', 'sunrise', 'sunset', 'sunrise_to_sunset_h', 'sunlit_h', 'effective_h', 'meets_standard'],
                            [
                              result.date,
                              result.sunrise,
                              result.sunset,
                              result.sunriseToSunsetHours,
                              result.sunlitHours,
                              result.effectiveHours,
                              String(result.meetsStandard),
                            ],
                          ]),
                    ),
                },
              },
              'CSV',
            ),
            h(
              'button',
              {
                attrs: { type: 'button' },
                on: {
                  click: () =>
                    saveFile(
                      exportFileName('sunlight', 'geojson'),
                      'application/geo+json',
                      geoJsonText({
                        type: 'FeatureCollection',
                        features: [
                          ...(model.input
                            ? [
                                {
                                  type: 'Feature',
                                  properties: { kind: 'point', ...result, sunlit: undefined },
                                  geometry: { type: 'Point', coordinates: [model.input.point.lon, model.input.point.lat, model.input.point.height] },
                                },
                              ]
                            : []),
                          ...(facade?.samples ?? []).map((s) => ({
                            type: 'Feature',
                            properties: { kind: 'facade', wall: s.wall, sunlitHours: s.sunlitHours, effectiveHours: s.effectiveHours },
                            geometry: { type: 'Point', coordinates: [s.lon, s.lat, s.height] },
                          })),
                        ],
                      }),
                    ),
                },
              },
              'GeoJSON',
            ),
          ]
        : []),
    );
  }
  render();
  const stop = model.onChange(render);
  return () => {
    stop();
    frame.root.remove();
  };
}
