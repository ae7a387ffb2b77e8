/** Loading the server's slide fragments (GET <slide_url><index>/) into a box, one at a time. */
import { sanitise } from "../ui/sanitise";
import { element } from "./view";

export type Fetch = (input: string, init: RequestInit) => Promise<Response>;

export class SlideLoadError extends Error {
  constructor(readonly status: number) {
    super(`slide request failed with HTTP ${status}`);
  }
}

/** GET `url` and sanitise it as a slide; throws SlideLoadError on an HTTP error. */
export async function fetchSlide(url: string, fetchImpl: Fetch): Promise<DocumentFragment> {
  const response = await fetchImpl(url, {
    method: "GET",
    credentials: "same-origin",
    headers: { Accept: "text/html" },
  });
  if (!response.ok) throw new SlideLoadError(response.status);
  return sanitise(await response.text());
}

/** `slide_url` + index + "/", tolerating a base without its trailing slash. */
export function slideUrl(base: string, index: number): string {
  return `${base.endsWith("/") ? base : `${base}/`}${index}/`;
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
    this.settled = fetchSlide(this.options.url(index), this.options.fetch).then(
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
