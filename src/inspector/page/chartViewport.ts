/**
 * Zoom and pan for a chart drawn in a pane: the SVG fills the pane and its
 * viewBox is the part of the chart shown, at a scale (screen pixels per chart
 * unit) of the pane's own aspect ratio. A chart first shows fitted to the
 * pane (or to a part of it, such as a decision's path); the +/−/fit buttons,
 * ctrl+wheel (at the pointer), dragging, the wheel and the keyboard (+ − 0 and
 * the arrows) change the view, which then stays put as the chart is redrawn
 * with another highlight. The view is clamped so the chart cannot be lost off
 * the side of the pane.
 */

/** A rectangle in chart units. */
export interface Box {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** A fitted view never magnifies more than this (a small chart is not blown up). */
const FIT_MAX = 1;
const ZOOM_MAX = 4;
const ZOOM_STEP = 1.25;
/** Screen pixels kept around a fitted box and allowed past the chart's edge when panning. */
const MARGIN = 16;
const ARROW_STEP = 60;

/** The view of one pane; see the module comment. */
export interface ChartViewport {
  /** Shows `svg` (the whole chart is `content`) fitted to `focus` (default: the whole chart), or, with `keep`, in the view the user left. */
  attach(svg: SVGSVGElement, content: Box, focus?: Box, keep?: boolean): void;
  /** Clears the pane's chart. */
  detach(): void;
  /** Fits the whole chart. */
  fitAll(): void;
  /** Zooms by `factor`, keeping the point under (clientX, clientY) in place (default: the pane's centre). */
  zoomBy(factor: number, clientX?: number, clientY?: number): void;
  /** Whether the user moved the view since the chart was last fitted. */
  readonly moved: boolean;
}

/** Makes `canvas` (the pane) zoomable and pannable; `onChange` hears the scale (1 = 100%) after each change. */
export function createChartViewport(canvas: HTMLElement, onChange: (scale: number) => void): ChartViewport {
  let svg: SVGSVGElement | null = null;
  let content: Box = { x: 0, y: 0, width: 1, height: 1 };
  let target: Box | null = null;
  let scale = 1;
  let cx = 0;
  let cy = 0;
  let moved = false;
  /** A fit asked for while the pane had no size (hidden): done when it gets one. */
  let fitPending = false;

  const size = (): { w: number; h: number } => ({ w: canvas.clientWidth, h: canvas.clientHeight });

  function fitScale(box: Box): number {
    const { w, h } = size();
    return Math.min(FIT_MAX, (w - 2 * MARGIN) / Math.max(1, box.width), (h - 2 * MARGIN) / Math.max(1, box.height));
  }
  const minScale = (): number => Math.min(0.5, fitScale(content) * 0.5);

  /** Keeps the chart in view: centred on an axis it fits, else no further past its edge than the margin. */
  function clamp(): void {
    const { w, h } = size();
    const axis = (centre: number, visible: number, start: number, length: number): number => {
      const margin = MARGIN / scale;
      if (visible >= length + 2 * margin) return start + length / 2;
      return Math.min(Math.max(centre, start + visible / 2 - margin), start + length - visible / 2 + margin);
    };
    cx = axis(cx, w / scale, content.x, content.width);
    cy = axis(cy, h / scale, content.y, content.height);
  }

  function apply(): void {
    if (!svg) return;
    const { w, h } = size();
    if (w === 0 || h === 0) return;
    clamp();
    const vw = w / scale;
    const vh = h / scale;
    svg.setAttribute('viewBox', `${(cx - vw / 2).toFixed(2)} ${(cy - vh / 2).toFixed(2)} ${vw.toFixed(2)} ${vh.toFixed(2)}`);
    onChange(scale);
  }

  function fit(box: Box): void {
    const { w, h } = size();
    if (w === 0 || h === 0) {
      fitPending = true;
      return;
    }
    fitPending = false;
    scale = Math.max(fitScale(box), 0.02);
    cx = box.x + box.width / 2;
    cy = box.y + box.height / 2;
    moved = false;
    apply();
  }

  function pan(dx: number, dy: number): boolean {
    const [x, y] = [cx, cy];
    cx -= dx / scale;
    cy -= dy / scale;
    apply();
    return Math.abs(cx - x) > 1e-6 || Math.abs(cy - y) > 1e-6;
  }

  function zoomBy(factor: number, clientX?: number, clientY?: number): void {
    if (!svg) return;
    const rect = canvas.getBoundingClientRect();
    const px = (clientX ?? rect.left + rect.width / 2) - rect.left;
    const py = (clientY ?? rect.top + rect.height / 2) - rect.top;
    const { w, h } = size();
    // The chart point under the pointer stays under it.
    const ux = cx - w / (2 * scale) + px / scale;
    const uy = cy - h / (2 * scale) + py / scale;
    const next = Math.min(ZOOM_MAX, Math.max(minScale(), scale * factor));
    if (next === scale) return;
    scale = next;
    cx = ux + w / (2 * scale) - px / scale;
    cy = uy + h / (2 * scale) - py / scale;
    moved = true;
    apply();
  }

  canvas.addEventListener(
    'wheel',
    (event) => {
      if (!svg) return;
      const unit = event.deltaMode === 1 ? 16 : event.deltaMode === 2 ? size().h : 1;
      if (event.ctrlKey || event.metaKey) {
        event.preventDefault();
        zoomBy(Math.exp((-event.deltaY * unit) / 300), event.clientX, event.clientY);
        return;
      }
      const [dx, dy] = event.shiftKey && event.deltaX === 0 ? [event.deltaY, 0] : [event.deltaX, event.deltaY];
      // A chart that cannot move that way lets the page scroll instead.
      if (pan(-dx * unit, -dy * unit)) {
        moved = true;
        event.preventDefault();
      }
    },
    { passive: false },
  );

  let drag: { id: number; x: number; y: number } | null = null;
  canvas.addEventListener('pointerdown', (event) => {
    if (!svg || event.button !== 0) return;
    drag = { id: event.pointerId, x: event.clientX, y: event.clientY };
    canvas.setPointerCapture(event.pointerId);
    canvas.classList.add('dragging');
  });
  canvas.addEventListener('pointermove', (event) => {
    if (!drag || event.pointerId !== drag.id) return;
    if (pan(event.clientX - drag.x, event.clientY - drag.y)) moved = true;
    drag = { ...drag, x: event.clientX, y: event.clientY };
  });
  const endDrag = (event: PointerEvent): void => {
    if (!drag || event.pointerId !== drag.id) return;
    drag = null;
    canvas.classList.remove('dragging');
    if (canvas.hasPointerCapture(event.pointerId)) canvas.releasePointerCapture(event.pointerId);
  };
  canvas.addEventListener('pointerup', endDrag);
  canvas.addEventListener('pointercancel', endDrag);

  canvas.addEventListener('keydown', (event) => {
    if (!svg || event.ctrlKey || event.metaKey || event.altKey) return;
    const arrows: Record<string, [number, number]> = { ArrowLeft: [ARROW_STEP, 0], ArrowRight: [-ARROW_STEP, 0], ArrowUp: [0, ARROW_STEP], ArrowDown: [0, -ARROW_STEP] };
    if (event.key === '+' || event.key === '=') zoomBy(ZOOM_STEP);
    else if (event.key === '-') zoomBy(1 / ZOOM_STEP);
    else if (event.key === '0') fit(content);
    else if (arrows[event.key]) {
      if (pan(...arrows[event.key]!)) moved = true;
    } else return;
    event.preventDefault();
  });

  // A pane that is resized (or shown after being hidden) keeps its view, or fits again if the user had not moved it.
  new ResizeObserver(() => {
    if (!svg) return;
    if (fitPending || !moved) fit(target ?? content);
    else apply();
  }).observe(canvas);

  return {
    get moved() {
      return moved;
    },
    attach(next, whole, focus, keep = false) {
      svg = next;
      content = whole;
      svg.setAttribute('width', '100%');
      svg.setAttribute('height', '100%');
      svg.setAttribute('preserveAspectRatio', 'xMidYMid meet');
      if (keep && moved) {
        apply();
        return;
      }
      target = focus ?? null;
      fit(target ?? content);
    },
    detach() {
      svg = null;
      moved = false;
      target = null;
    },
    fitAll() {
      target = null;
      fit(content);
    },
    zoomBy,
  };
}
