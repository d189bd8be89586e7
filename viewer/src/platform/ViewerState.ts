import type { ClockState } from '../../../workers/formats/history.js';
import type { CameraView, Language } from '../../../workers/formats/viewerConfig.js';

export type { CameraView, ClockState, Language };

/**
 * The viewer's core state, as plain serialisable data: the store holds it, layers turn it into
 * engine objects, the UI renders it, the URL carries part of it. Layers with state of their own
 * (the live sensors' alarms) keep it in their own slice (see LayerPlugin).
 */
export interface LayerState {
  visible: boolean;
  /** 0..1 */
  opacity: number;
}

/** A feature by its layer's id (the `tileset` of the page API) and its id in that layer. */
export interface FeatureRef {
  tileset: string;
  id: string;
}

export type StyleAttribute = 'height' | 'use' | 'year' | 'cimLevel';

/** How buildings are coloured and which are shown. */
export interface StyleRule {
  colorBy: StyleAttribute;
  /** Shown only when the numeric attribute passes, e.g. height > 50. */
  filter?: { attribute: 'height' | 'year' | 'floors'; op: '>' | '>=' | '<' | '<='; value: number };
}

/** The planner's desk, the video wall, the compact leadership-cockpit tile (embedded). */
export type ViewerMode = 'planner' | 'wall' | 'cockpit';

/**
 * Features of a layer drawn in a colour of their own (buildings that lose water, the pipes a
 * burst isolates), on top of the layer's style and below the selection highlight. Kept by owner
 * (the plugin that asked), so each clears its own.
 */
/**
 * Features of a tileset layer drawn in a colour, or not drawn at all (`hidden`: the buildings an
 * excavation pit takes away, which a clip would leave as open shells).
 */
export type Emphasis = { layer: string; ids: readonly string[] } & (
  | {
      /** CSS colour. */
      color: string;
    }
  | { hidden: true }
);

/**
 * A window into the ground (an excavation pit): where the ground is open, and what the
 * underground layers draw in it above ground.
 */
export interface GroundWindow {
  /** The opening's outline, `[lon, lat]` degrees, not closed. */
  polygon: readonly (readonly [number, number])[];
  /**
   * By underground layer id, the features that layer draws in the window, clipped to the outline;
   * its others are hidden by its style, so they cost no pixels (drawn whole and clipped pixel by
   * pixel, a pit's pipe tiles made its frame 1.85× as long). An empty list: the layer draws
   * nothing there (an excavation pit draws its own pipes, cut at the outline). A layer not named
   * draws all its features in the window, clipped.
   */
  features: Readonly<Record<string, readonly string[]>>;
}

export interface ViewerState {
  camera: CameraView;
  layers: Record<string, LayerState>;
  selection: FeatureRef | null;
  style: StyleRule;
  mode: ViewerMode;
  language: Language;
  /** Underground view: translucent ground, networks shown, the camera may go below the surface. */
  underground: boolean;
  /** The tool that receives pointer events first (see ToolPlugin), or none. */
  tool: string | null;
  /**
   * The active tool's input as a compact text the tool writes and parses itself (a section's
   * line `117.16,39.10;117.17,39.11`), or null: in the URL, so a result can be shared.
   */
  toolInput: string | null;
  /** Wall mode's automatic tour: index of the current bookmark, or -1 when stopped. */
  tour: { running: boolean; index: number };
  /**
   * The viewer's one clock: live, or a replay of the past (time, speed, playing). Changed only on
   * a mode, seek, speed or play/pause change, never per tick: layers follow it by subscribing to
   * `clock` and reading the time with `clockTimeAt(clock, Date.now())` (workers/formats/history.ts).
   */
  clock: ClockState;
  /** Emphasised features by owner (see Emphasis). */
  emphasis: Record<string, readonly Emphasis[]>;
  /**
   * Where the ground is open (an excavation pit), or null. Underground tilesets draw the
   * window's features inside it even above ground, and the ground's vector layers (roads, green
   * space) leave it open.
   */
  groundWindow: GroundWindow | null;
}
