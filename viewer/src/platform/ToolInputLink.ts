import type { ViewerStore } from './ViewerStore.js';

/**
 * A tool's input in the URL (the store's `toolInput`), both ways: a shared link's input is run
 * when the tool is the active one, and the tool's own result is written back — never run again
 * because the tool wrote it.
 */
export class ToolInputLink {
  private written: string | null = null;
  private readonly stop: () => void;

  constructor(
    private readonly store: ViewerStore,
    private readonly toolId: string,
    private readonly run: (input: string) => void,
  ) {
    this.stop = store.subscribe((state, previous) => {
      if (state.tool !== previous.tool || state.toolInput !== previous.toolInput) this.follow();
    });
  }

  /** Runs the store's input if it is this tool's and new (called once after the tool's state is built, then on every change). */
  follow(): void {
    const { tool, toolInput } = this.store.getState();
    if (tool !== this.toolId || toolInput === null || toolInput === this.written) return;
    this.written = toolInput;
    this.run(toolInput);
  }

  /** The tool's latest input (null: cleared): into the URL while the tool is the active one. */
  write(text: string | null): void {
    if (this.store.getState().tool !== this.toolId) return;
    this.written = text;
    this.store.getState().setToolInput(text);
  }

  destroy(): void {
    this.stop();
  }
}
