import type { LayerContext, PluginContext } from './LayerPlugin.js';
import type { UiContext } from './UiContext.js';
import type { FeatureRef } from './ViewerState.js';

/**
 * A pointer event on the scene, with the point under it when something was hit (degrees,
 * metres) and the feature it hit (a building, a pipe): what a tool snaps to.
 */
export interface ToolPointerEvent {
  /** `double-click` ends a line or polygon (the two clicks before it arrive as clicks too). */
  kind: 'click' | 'move' | 'double-click';
  /** Window position (CSS pixels from the canvas' top left). */
  x: number;
  y: number;
  position: { lon: number; lat: number; height: number } | undefined;
  feature?: FeatureRef;
}

/** One tool in one scene: engine objects of its own, active or not as the store's `tool` says. */
export interface ToolInstance {
  readonly id: string;
  activate(): void;
  deactivate(): void;
  /** The active tool sees pointer events first; true = consumed (no selection follows). */
  onPointer?(event: ToolPointerEvent): boolean;
  destroy(): void;
}

/** Page-API functions of a tool, under `cimTwin.tools`: plain data in and out. */
export type ToolPageApi = Record<string, (...args: never[]) => unknown>;

/**
 * A tool (underground view, measure, excavation, cross-section, trace, sunlight…): a button in
 * the toolbar's tool palette and an instance per scene. One tool is active at a time, through
 * the store's `tool`; the scene host routes pointer events to it. `S` is the tool's own state,
 * created once per viewer (it outlives scene rebuilds): its input and last result, which the
 * instance draws and the panel shows. The headless page-API form and the interactive form share
 * one pure function in workers/. A tool's input travels in the URL as the store's `toolInput`
 * (a compact text the tool writes and parses itself), so a result can be shared.
 */
export interface ToolPlugin<S = undefined> {
  readonly id: string;
  /** i18n key of its button. */
  readonly label: string;
  /** False for a tool with a button of its own elsewhere (underground view). */
  readonly palette?: boolean;
  createState?(context: PluginContext): S;
  create(context: LayerContext, state: S): ToolInstance;
  /** Functions under `cimTwin.tools` (`cimTwin.tools.crossSection(line)`). */
  pageApi?(state: S): ToolPageApi;
  /** The result panel, in the left dock while the tool is active; returns the unmount. */
  mountPanel?(ui: UiContext, container: HTMLElement, state: S): () => void;
  /** UI strings, merged into the viewer's resources. */
  messages?: Record<'zh-CN' | 'en', object>;
  destroyState?(state: S): void;
}

/** A tool started for one viewer: its hooks bound to its state (what the host sees). */
export interface ToolRuntime {
  readonly id: string;
  readonly label: string;
  readonly palette: boolean;
  create(context: LayerContext): ToolInstance;
  pageApi(): ToolPageApi;
  mountPanel(ui: UiContext, container: HTMLElement): (() => void) | undefined;
  destroy(): void;
}

/** A registry entry: the tool's id, label and strings, and how to start it for a viewer. */
export interface RegisteredTool {
  readonly id: string;
  readonly label: string;
  readonly messages?: Record<'zh-CN' | 'en', object>;
  start(context: PluginContext): ToolRuntime;
}

/** Registers a tool: binds its hooks to the state it creates, so the host needs no casts. */
export function defineTool<S>(tool: ToolPlugin<S>): RegisteredTool {
  return {
    id: tool.id,
    label: tool.label,
    ...(tool.messages ? { messages: tool.messages } : {}),
    start(context) {
      const state = tool.createState ? tool.createState(context) : (undefined as S);
      return {
        id: tool.id,
        label: tool.label,
        palette: tool.palette ?? true,
        create: (layerContext) => tool.create(layerContext, state),
        pageApi: () => tool.pageApi?.(state) ?? {},
        mountPanel: (ui, container) => tool.mountPanel?.(ui, container, state),
        destroy: () => tool.destroyState?.(state),
      };
    },
  };
}
