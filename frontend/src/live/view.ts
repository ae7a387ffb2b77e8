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

export interface SlideLoaderOptions {
  box: HTMLElement;
  doc: Document;
  url: (index: number) => string;
  fetch: Fetch;
  errorText: string;
  retryText: string;
  /** The fragment is in the box (math, forms and the rest of the page are the caller's). */
  onLoaded: (index: number) => void;
  /** The retry button under a failed slide was pressed. */
  onRetry: (index: number) => void;
}

/**
 * Loads one slide at a time into a box, for the console's preview and the student's slide: the
 * newest request wins over one still on its way, the box is busy meanwhile, and a failure shows
 * a message and a retry button (and counts as shown, so a render does not refetch in a loop).
 */
export class SlideLoader {
  shown: number | null = null;
  loading: number | null = null;
  settled: Promise<void> = Promise.resolve();
  private token = 0;

  constructor(private readonly options: SlideLoaderOptions) {}

  /** Whether `index` is neither shown nor on its way. */
  needs(index: number): boolean {
    return this.shown !== index && this.loading !== index;
  }

  load(index: number): void {
    const { box, doc } = this.options;
    const token = ++this.token;
    this.loading = index;
    box.setAttribute("aria-busy", "true");
    this.settled = fetchSlide(this.options.url(index), this.options.fetch, doc).then(
      (fragment) => {
        if (token !== this.token) return;
        this.loading = null;
        this.shown = index;
        box.replaceChildren(fragment);
        box.dataset.index = String(index);
        box.removeAttribute("aria-busy");
        this.options.onLoaded(index);
      },
      () => {
        if (token !== this.token) return;
        this.loading = null;
        this.shown = index;
        box.removeAttribute("aria-busy");
        const retry = element(doc, "button", { type: "button", class: "button" }, this.options.retryText);
        retry.addEventListener("click", () => this.options.onRetry(index));
        box.replaceChildren(element(doc, "p", { class: "live-slide-error" }, this.options.errorText), retry);
        box.dataset.index = "";
      },
    );
  }
}
