import type { LayerContext } from './LayerPlugin.js';

/** A pointer event on the scene, with the point under it when something was hit (degrees, metres). */
export interface ToolPointerEvent {
  kind: 'click' | 'move';
  /** Window position (CSS pixels from the canvas' top left). */
  x: number;
  y: number;
  position: { lon: number; lat: number; height: number } | undefined;
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

/**
 * A tool (underground view; measure, excavation, cross-section and trace come next): a toolbar
 * button and an instance per scene. One tool is active at a time, through the store's `tool`
 * slice; the scene host routes pointer events to it. Its headless page-API form and its
 * interactive form share one pure function in workers/.
 */
export interface ToolPlugin {
  readonly id: string;
  /** i18n key of its toolbar button. */
  readonly label: string;
  create(context: LayerContext): ToolInstance;
}
