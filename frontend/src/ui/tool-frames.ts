/**
 * External tools' frames (LTI platform side): a tool may ask for its frame's height with the
 * message `{subject: "lti.frameResize", height: <px>}` (the convention LMSs such as Canvas and
 * Moodle follow), so a student does not scroll inside the frame. Only a message whose source is one
 * of this page's tool frames resizes that frame, within MIN_HEIGHT..MAX_HEIGHT.
 */
export const MIN_HEIGHT = 200;
export const MAX_HEIGHT = 4000;

/** The height a resize message asks for, or null when the message is not one. */
export function requestedHeight(data: unknown): number | null {
  if (typeof data !== "object" || data === null) return null;
  const message = data as { subject?: unknown; height?: unknown };
  if (message.subject !== "lti.frameResize") return null;
  const height = typeof message.height === "string" ? Number.parseInt(message.height, 10) : message.height;
  if (typeof height !== "number" || !Number.isFinite(height)) return null;
  return Math.min(MAX_HEIGHT, Math.max(MIN_HEIGHT, Math.round(height)));
}

/** Resizes the tool frame `event` came from; returns whether one was resized. */
export function resizeToolFrame(doc: Document, event: MessageEvent): boolean {
  const height = requestedHeight(event.data);
  if (height === null || event.source === null) return false;
  for (const frame of Array.from(doc.querySelectorAll<HTMLIFrameElement>("iframe.tool-frame"))) {
    if (frame.contentWindow === event.source) {
      frame.setAttribute("height", String(height));
      return true;
    }
  }
  return false;
}

export function mountToolFrames(doc: Document, win: Window): void {
  win.addEventListener("message", (event) => resizeToolFrame(doc, event));
}
