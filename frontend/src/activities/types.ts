/** What the browser knows about one kind of activity (the server's registry: courses/activities.py). */

/** The page's translated words for true and false (the lesson's and the live view's labels have them). */
export interface AnswerLabels {
  true: string;
  false: string;
}

export interface Activity {
  /** The answer the form holds, shaped as the server expects it for this kind. */
  collect(form: HTMLFormElement): unknown;
  /** Nothing chosen or typed: not worth sending (the server would refuse it). */
  isEmpty(answer: unknown): boolean;
  /** Puts a stored `answer` back into the form's inputs; false if its shape does not fit the kind. */
  prefill(form: HTMLFormElement, answer: unknown): boolean;
  /**
   * An answer or a correct answer as people read it: choice texts from the form's labels rather
   * than indexes, true and false in the page's words, text as it is; "" for none.
   */
  describe(form: HTMLFormElement | null, value: unknown, labels: AnswerLabels): string;
}
