/**
 * A list that keeps only its visible rows in the DOM: a scrolling viewport,
 * a spacer as tall as every row together, and a small pool of fixed-height
 * row elements moved into place. 100,000 items cost one array, not 100,000
 * elements.
 */
import { h } from './dom.js';

/** How a list draws its items. */
export interface VirtualListOptions<T> {
  readonly rowHeight: number;
  /** Attributes of the viewport (a data-testid, an aria-label). */
  readonly attrs: Readonly<Record<string, string>>;
  /** Fills a row element for an item; called again whenever the row shows another item or is refreshed. */
  readonly render: (row: HTMLElement, item: T, index: number) => void;
  /** A row was clicked or chosen with Enter. */
  readonly onChoose?: (item: T) => void;
  /** What the list says when it has no items (asked each time it is drawn empty). */
  readonly empty?: () => string;
}

/** A virtual list; see the module comment. */
export interface VirtualList<T> {
  readonly element: HTMLElement;
  /** Replaces the items (the scroll position stays). */
  setItems(items: readonly T[]): void;
  /** Draws the visible rows again (their items changed in place). */
  refresh(): void;
  readonly items: readonly T[];
}

const OVERSCAN = 6;

/** Creates a virtual list. */
export function createVirtualList<T>(options: VirtualListOptions<T>): VirtualList<T> {
  const spacer = h('div', { class: 'vlist-spacer' });
  const hint = h('p', { class: 'vlist-empty muted', hidden: true });
  const viewport = h('div', { class: 'vlist', tabindex: 0, role: 'list', ...options.attrs }, spacer, hint);
  const pool: HTMLElement[] = [];
  let items: readonly T[] = [];
  let queued = false;

  function draw(): void {
    queued = false;
    const height = viewport.clientHeight || 400;
    const first = Math.max(0, Math.floor(viewport.scrollTop / options.rowHeight) - OVERSCAN);
    const last = Math.min(items.length, Math.ceil((viewport.scrollTop + height) / options.rowHeight) + OVERSCAN);
    spacer.style.height = `${items.length * options.rowHeight}px`;
    hint.hidden = items.length > 0 || !options.empty;
    if (!hint.hidden) hint.textContent = options.empty!();
    const count = Math.max(0, last - first);
    while (pool.length < count) {
      const row = h('div', { class: 'vlist-row', role: 'listitem', tabindex: -1 });
      row.style.height = `${options.rowHeight}px`;
      pool.push(row);
      viewport.append(row);
    }
    for (let i = 0; i < pool.length; i += 1) {
      const row = pool[i]!;
      if (i >= count) {
        // A spare row: hidden, and no longer answering to the row's test id.
        row.hidden = true;
        row.removeAttribute('data-testid');
        continue;
      }
      const index = first + i;
      row.hidden = false;
      row.style.transform = `translateY(${index * options.rowHeight}px)`;
      row.dataset.index = String(index);
      options.render(row, items[index]!, index);
    }
  }

  function schedule(): void {
    if (queued) return;
    queued = true;
    requestAnimationFrame(draw);
  }

  viewport.addEventListener('scroll', schedule, { passive: true });
  const chosen = (target: EventTarget | null): void => {
    const row = (target as HTMLElement | null)?.closest<HTMLElement>('.vlist-row');
    const item = row ? items[Number(row.dataset.index)] : undefined;
    if (item !== undefined) options.onChoose?.(item);
  };
  viewport.addEventListener('click', (event) => chosen(event.target));
  viewport.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') chosen(event.target);
  });
  new ResizeObserver(schedule).observe(viewport);

  return {
    element: viewport,
    get items() {
      return items;
    },
    setItems(next) {
      items = next;
      draw();
    },
    refresh: draw,
  };
}
