/** Small DOM helpers for the inspector page: elements from a tag, attributes and children. */

/** Attribute values; `false`, `null` and `undefined` leave the attribute out. */
export type Attrs = Readonly<Record<string, string | number | boolean | null | undefined>>;
/** A child: a node, or text. */
export type Child = Node | string | null | undefined | false;

function fill<E extends Element>(el: E, attrs: Attrs, children: readonly Child[]): E {
  for (const [name, value] of Object.entries(attrs)) {
    if (value === false || value === null || value === undefined) continue;
    el.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child);
  }
  return el;
}

/** An HTML element with its attributes and children. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  return fill(document.createElement(tag), attrs, children);
}

/** The SVG namespace. */
export const SVG_NS = 'http://www.w3.org/2000/svg';

/** An SVG element with its attributes and children. */
export function s<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): SVGElementTagNameMap[K] {
  return fill(document.createElementNS(SVG_NS, tag), attrs, children);
}

/** A labelled form control: `<label>text <control></label>`. */
export function labelled(text: string, control: HTMLElement): HTMLLabelElement {
  return h('label', { class: 'field' }, h('span', {}, text), control);
}

/** A `<select>` of the given options (value and label the same unless given as a pair). */
export function select(attrs: Attrs, options: readonly (string | readonly [string, string])[]): HTMLSelectElement {
  const el = h('select', attrs);
  setOptions(el, options);
  return el;
}

/** Replaces a select's options, keeping the current value when it is still offered. */
export function setOptions(el: HTMLSelectElement, options: readonly (string | readonly [string, string])[]): void {
  const value = el.value;
  el.replaceChildren(
    ...options.map((option) => {
      const [v, label] = typeof option === 'string' ? [option, option] : option;
      return h('option', { value: v }, label);
    }),
  );
  if (options.some((option) => (typeof option === 'string' ? option : option[0]) === value)) el.value = value;
}

/** A `<button type="button">` that calls `onClick`. */
export function button(text: string, attrs: Attrs, onClick: () => void): HTMLButtonElement {
  const el = h('button', { type: 'button', ...attrs }, text);
  el.addEventListener('click', onClick);
  return el;
}

/** Time as the page shows it: a clock time for epoch ms, `+N ms` for simulated time. */
export function formatAt(at: number): string {
  if (at > 1e11) return new Date(at).toLocaleTimeString(undefined, { hour12: false });
  return `+${at} ms`;
}
