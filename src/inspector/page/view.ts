/** What every view of the page offers the shell. */
import type { Topic } from './store.js';

/** One tab of the page. */
export interface View {
  readonly id: string;
  readonly title: string;
  readonly element: HTMLElement;
  /**
   * Draws what changed. `full`: the view was hidden while things changed
   * (or is drawn the first time), so it must not rely on the store's
   * per-frame change sets.
   */
  render(dirty: ReadonlySet<Topic>, full: boolean): void;
}
