/** Small DOM helpers shared by the live console and the student view. */
import type { DistributionEntry } from "./protocol";

export function element<K extends keyof HTMLElementTagNameMap>(
  doc: Document,
  tag: K,
  attrs: Record<string, string> = {},
  text?: string,
): HTMLElementTagNameMap[K] {
  const el = doc.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) el.setAttribute(name, value);
  if (text !== undefined) el.textContent = text;
  return el;
}

/** The element of `root` marked `data-live-<hook>`, if there is one. */
export function hook<T extends HTMLElement = HTMLElement>(root: HTMLElement, name: string): T | null {
  return root.querySelector<T>(`[data-live-${name}]`);
}

/** The activity forms of a slide (in a box that may be absent), in order. */
export function activityForms(box: HTMLElement | null): HTMLFormElement[] {
  return box ? Array.from(box.querySelectorAll<HTMLFormElement>("form[data-activity][data-block]")) : [];
}

/**
 * Says `text` in a polite live region; the same text twice in a row is said once, "" never.
 * Returns the function that says it.
 */
export function announcer(region: HTMLElement | null): (text: string) => void {
  let last = "";
  return (text) => {
    if (!region || text === "" || text === last) return;
    last = text;
    region.textContent = text;
  };
}

/** "<strong>{label}: </strong>name, name": who answered right, when names are shown. */
export function namesLine(doc: Document, label: string, names: readonly string[]): HTMLElement {
  const line = element(doc, "p", { class: "live-names" });
  line.append(element(doc, "strong", {}, `${label}: `), doc.createTextNode(names.join(", ")));
  return line;
}

/**
 * Fills `list` with one bar per answer label: the label, a bar as wide as its share of `total`
 * (a <meter>-like span, described by the count for screen readers) and the count.
 */
export function renderBars(list: HTMLElement, distribution: readonly DistributionEntry[], total: number): void {
  const doc = list.ownerDocument;
  const denominator = Math.max(1, total, ...distribution.map((entry) => entry.count));
  list.replaceChildren(
    ...distribution.map((entry) => {
      const item = element(doc, "li", { class: "live-bar" });
      item.dataset.label = entry.label;
      item.dataset.count = String(entry.count);
      const label = element(doc, "span", { class: "live-bar-label" }, entry.label);
      const track = element(doc, "span", { class: "live-bar-track", "aria-hidden": "true" });
      const fill = element(doc, "span", { class: "live-bar-fill" });
      fill.style.width = `${Math.round((entry.count / denominator) * 100)}%`;
      track.append(fill);
      const count = element(doc, "span", { class: "live-bar-count" }, String(entry.count));
      item.append(label, track, count);
      return item;
    }),
  );
}

/**
 * Shows `message` in a role="alert" region ("" empties it). The region itself stays in the page
 * (styled away while empty): alerts are announced when content appears in a present region.
 */
export function showAlert(region: HTMLElement | null, message: string): void {
  if (!region) return;
  region.textContent = message;
  region.dataset.empty = message === "" ? "1" : "0";
}

/** Adds `handler` to `el` (if there is one) and keeps, in `cleanups`, how to remove it again. */
export function listen(
  cleanups: Array<() => void>,
  el: HTMLElement | null,
  type: string,
  handler: (event: Event) => void,
): void {
  if (!el) return;
  el.addEventListener(type, handler);
  cleanups.push(() => el.removeEventListener(type, handler));
}

const SVG_NS = "http://www.w3.org/2000/svg";

/**
 * A raised hand as an inline SVG (drawn in the text colour): it renders on every device, unlike
 * the ✋ emoji, which needs an emoji font that school tablets and projectors may not have.
 * Decorative (aria-hidden): the text next to it says what it means.
 */
export function handIcon(doc: Document, className = "live-icon"): SVGSVGElement {
  const svg = doc.createElementNS(SVG_NS, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("width", "1em");
  svg.setAttribute("height", "1em");
  svg.setAttribute("fill", "currentColor");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  svg.setAttribute("class", className);
  const shapes: Array<[string, Record<string, string>]> = [
    ["rect", { x: "6.2", y: "4.6", width: "2.6", height: "10", rx: "1.3" }],
    ["rect", { x: "9.3", y: "2", width: "2.6", height: "12", rx: "1.3" }],
    ["rect", { x: "12.4", y: "2.8", width: "2.6", height: "11.2", rx: "1.3" }],
    ["rect", { x: "15.5", y: "5", width: "2.6", height: "9.4", rx: "1.3" }],
    ["path", { d: "M6.2 12h11.9v3.6a6.4 6.4 0 0 1-6.4 6.4h-.2a5.3 5.3 0 0 1-5.3-5.3z" }],
    ["path", { d: "M2.9 11.4a1.4 1.4 0 0 1 2-.3l3 2.4v3.4l-4.6-3.6a1.4 1.4 0 0 1-.4-1.9z" }],
  ];
  for (const [tag, attrs] of shapes) {
    const shape = doc.createElementNS(SVG_NS, tag);
    for (const [name, value] of Object.entries(attrs)) shape.setAttribute(name, value);
    svg.append(shape);
  }
  return svg;
}
