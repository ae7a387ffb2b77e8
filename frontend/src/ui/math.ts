/** LaTeX in server HTML: elements with `data-latex` (and `data-display="1"` for display math). */
import katex from "katex";
import "katex/dist/katex.min.css";

/** Renders every `[data-latex]` element under `root` with KaTeX; returns how many it rendered. */
export function renderMath(root: ParentNode): number {
  let count = 0;
  root.querySelectorAll<HTMLElement>("[data-latex]").forEach((el) => {
    try {
      katex.render(el.dataset.latex ?? "", el, {
        displayMode: el.dataset.display === "1",
        throwOnError: false,
        trust: false,
        strict: "ignore",
        maxExpand: 500,
      });
      count += 1;
    } catch {
      // Leave the LaTeX source visible (the <code> the server rendered); never break the page.
    }
  });
  return count;
}
