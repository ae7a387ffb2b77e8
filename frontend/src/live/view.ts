/** Small DOM helpers shared by the live console and the student view. */
import type { DistributionEntry } from "./protocol";

export type Fetch = (input: string, init: RequestInit) => Promise<Response>;

export class SlideLoadError extends Error {
  constructor(readonly status: number) {
    super(`slide request failed with HTTP ${status}`);
  }
}

/**
 * Turns the server's slide fragment into nodes. The server renders it from the lesson's blocks;
 * still, nothing executable is kept (scripts, inline handlers, javascript: links). Video iframes
 * stay: the server only emits them for allowed embed hosts.
 */
export function parseSlide(html: string, doc: Document = document): DocumentFragment {
  const template = doc.createElement("template");
  template.innerHTML = html;
  template.content.querySelectorAll("script, style, object, embed, link, meta, base").forEach((el) => el.remove());
  template.content.querySelectorAll("*").forEach((el) => {
    for (const attr of Array.from(el.attributes)) {
      const value = attr.value.trim().toLowerCase();
      const isUrl = attr.name === "href" || attr.name === "src" || attr.name === "action" || attr.name === "formaction";
      if (attr.name.startsWith("on") || (isUrl && value.startsWith("javascript:"))) el.removeAttribute(attr.name);
    }
  });
  return template.content;
}

/** GET `url` and parse it as a slide; throws SlideLoadError on an HTTP error. */
export async function fetchSlide(url: string, fetchImpl: Fetch, doc: Document = document): Promise<DocumentFragment> {
  const response = await fetchImpl(url, {
    method: "GET",
    credentials: "same-origin",
    headers: { Accept: "text/html" },
  });
  if (!response.ok) throw new SlideLoadError(response.status);
  return parseSlide(await response.text(), doc);
}

/** `slide_url` + index + "/", tolerating a base without its trailing slash. */
export function slideUrl(base: string, index: number): string {
  return `${base.endsWith("/") ? base : `${base}/`}${index}/`;
}

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

export function sessionStore(): Storage | null {
  try {
    return window.sessionStorage; // Throws when storage is blocked.
  } catch {
    return null;
  }
}
