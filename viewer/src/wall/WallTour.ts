import type { Bookmark } from '../../../workers/formats/viewerConfig.js';
import type { CameraView } from '../platform/ViewerState.js';
import { watch, type ViewerStore } from '../platform/ViewerStore.js';

export interface WallTourOptions {
  /** Seconds spent at each bookmark (flight included). */
  dwellSeconds: number;
  flightSeconds: number;
}

/**
 * The video wall's automatic tour: in wall mode, flies through the bookmarks in a loop. Knows
 * nothing of the engine: it moves the camera through the `flyTo` it is given.
 */
export class WallTour {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly stops: (() => void)[];

  constructor(
    private readonly store: ViewerStore,
    private readonly bookmarks: readonly Bookmark[],
    private readonly flyTo: (view: CameraView, seconds: number) => Promise<void>,
    private readonly onStep: (bookmarkId: string) => void,
    private readonly options: WallTourOptions = { dwellSeconds: 20, flightSeconds: 6 },
  ) {
    this.stops = [
      watch(
        store,
        (s) => s.mode === 'wall' && s.tour.running,
        (running) => (running ? this.step() : this.halt()),
      ),
    ];
    if (store.getState().mode === 'wall' && store.getState().tour.running) this.step();
  }

  private step(): void {
    this.halt();
    if (this.bookmarks.length === 0) return;
    const state = this.store.getState();
    const index = (state.tour.index + 1) % this.bookmarks.length;
    const bookmark = this.bookmarks[index]!;
    state.setTour(true, index);
    this.onStep(bookmark.id);
    void this.flyTo(bookmark.view, this.options.flightSeconds);
    this.timer = setTimeout(() => this.step(), this.options.dwellSeconds * 1000);
  }

  private halt(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  destroy(): void {
    this.halt();
    this.stops.forEach((stop) => stop());
  }
}
