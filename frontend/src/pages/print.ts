/** Buttons marked `data-print` open the browser's print dialog (login cards). */
export function mountPrintButtons(root: ParentNode, print: () => void = () => window.print()): number {
  const buttons = root.querySelectorAll<HTMLButtonElement>("button[data-print]");
  buttons.forEach((button) => button.addEventListener("click", () => print()));
  return buttons.length;
}
