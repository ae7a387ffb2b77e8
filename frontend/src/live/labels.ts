/** Translated texts for the live pages: Django renders them as JSON (`json_script`); TS has none. */

export const LABELS_ELEMENT_ID = "live-labels";

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** Every key in `keys` from the page's labels; missing or broken ones read as "". */
export function readLabels<K extends string>(doc: Document, keys: readonly K[], id = LABELS_ELEMENT_ID): Record<K, string> {
  let data: unknown = null;
  try {
    data = JSON.parse(doc.getElementById(id)?.textContent ?? "null");
  } catch {
    data = null;
  }
  const source = isRecord(data) ? data : {};
  const labels = {} as Record<K, string>;
  for (const key of keys) {
    const value = source[key];
    labels[key] = typeof value === "string" ? value : "";
  }
  return labels;
}

/** Replaces `{name}` placeholders (Python's str.format style, as the labels are written). */
export function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) =>
    Object.prototype.hasOwnProperty.call(values, key) ? String(values[key]) : whole,
  );
}
