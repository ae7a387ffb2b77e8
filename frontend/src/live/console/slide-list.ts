/**
 * The console's "go to slide" list. The page renders the lesson's slides as they were at page
 * load; a lesson republished during the session can have more, fewer or renamed slides. The list
 * is fetched again (GET data-slide-list-url, teachers only) when the session's slide count
 * differs from it, and after every reconnect.
 */
import type { Fetch } from "../slides";
import { element } from "../view";

export interface SlideTitle {
  index: number;
  title: string;
}

/** The `slides` of the endpoint's JSON, or null when it is not a list of {index, title}. */
export function parseSlideList(data: unknown): SlideTitle[] | null {
  const slides = (data as { slides?: unknown } | null)?.slides;
  if (!Array.isArray(slides)) return null;
  const parsed: SlideTitle[] = [];
  for (const item of slides as unknown[]) {
    const { index, title } = (item ?? {}) as { index?: unknown; title?: unknown };
    if (typeof index !== "number" || !Number.isInteger(index) || index < 0 || typeof title !== "string") return null;
    parsed.push({ index, title });
  }
  return parsed;
}

export interface SlideListOptions {
  select: HTMLSelectElement | null;
  url: string;
  fetch: Fetch;
  /** The slide shown now (selected after a refresh unless the teacher is choosing). */
  current: () => number | null;
}

export class SlideList {
  /** The slide count a refresh was last asked for (so a mismatch the server keeps is not refetched in a loop). */
  private askedFor: number | null = null;
  private token = 0;
  settled: Promise<void> = Promise.resolve();

  constructor(private readonly options: SlideListOptions) {}

  get length(): number {
    return this.options.select?.options.length ?? 0;
  }

  /** Fetches the list again when `count` (the session's slide count) differs from it. */
  check(count: number): void {
    if (!this.options.select || !this.options.url || count === this.length || count === this.askedFor) return;
    this.askedFor = count;
    this.refresh();
  }

  /** Fetches the list and replaces the options; a failure keeps the list as it is. */
  refresh(): void {
    const { select, url } = this.options;
    if (!select || !url) return;
    const token = ++this.token;
    this.settled = this.options
      .fetch(url, { method: "GET", credentials: "same-origin", headers: { Accept: "application/json" } })
      .then((response) => (response.ok ? response.json() : null))
      .then(
        (data: unknown) => {
          const slides = parseSlideList(data);
          if (token === this.token && slides !== null) this.show(slides);
        },
        () => undefined,
      );
  }

  private show(slides: readonly SlideTitle[]): void {
    const select = this.options.select!;
    const doc = select.ownerDocument;
    const choosing = doc.activeElement === select;
    const chosen = select.value;
    select.replaceChildren(
      ...slides.map((slide) => element(doc, "option", { value: String(slide.index) }, `${slide.index + 1}. ${slide.title}`)),
    );
    const current = this.options.current();
    const keep = choosing ? chosen : current === null ? chosen : String(current);
    if (slides.some((slide) => String(slide.index) === keep)) select.value = keep;
  }
}
