/**
 * The console's slide preview: the current slide as students see it, its activity forms inert
 * (the teacher does not answer), each followed by the controls that open its question.
 */
import { renderMath } from "../../ui/math";
import { setFormEnabled } from "../answers";
import { SlideLoader, slideUrl, type Fetch } from "../slides";
import { activityForms } from "../view";
import type { ConsoleLabels } from "./labels";

/** 1-based number of `block` among the questions in `box`, or 0 when it is not on this slide. */
export function questionNumber(box: HTMLElement | null, block: string): number {
  return activityForms(box).findIndex((form) => form.dataset.block === block) + 1;
}

export interface PreviewOptions {
  root: HTMLElement;
  box: HTMLElement;
  labels: ConsoleLabels;
  fetch: Fetch;
  /** The controls shown after the `number`th question's form. */
  controls: (form: HTMLFormElement, number: number) => HTMLElement;
  /** A slide is in the box, with its controls. */
  onLoaded: () => void;
}

/** A SlideLoader for the preview box that makes every loaded slide's forms inert. */
export function previewLoader(options: PreviewOptions): SlideLoader {
  const { root, box, labels } = options;
  const slides: SlideLoader = new SlideLoader({
    box,
    doc: root.ownerDocument,
    url: (index) => slideUrl(root.dataset.slideUrl ?? "", index),
    fetch: options.fetch,
    errorText: labels.slide_error,
    retryText: labels.retry,
    onLoaded: () => {
      renderMath(box);
      activityForms(box).forEach((form, i) => {
        // The teacher does not answer: the forms are shown as students see them, but inert.
        setFormEnabled(form, false);
        form.addEventListener("submit", (event) => event.preventDefault());
        form.after(options.controls(form, i + 1));
      });
      options.onLoaded();
    },
    onRetry: (index) => slides.load(index),
  });
  return slides;
}
