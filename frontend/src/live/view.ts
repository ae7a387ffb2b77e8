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
