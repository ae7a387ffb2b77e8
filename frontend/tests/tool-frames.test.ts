import { describe, expect, it } from "vitest";
import { MAX_HEIGHT, MIN_HEIGHT, requestedHeight, resizeToolFrame } from "../src/ui/tool-frames";

describe("a tool frame's resize request", () => {
  it("reads the height of an lti.frameResize message and keeps it within bounds", () => {
    expect(requestedHeight({ subject: "lti.frameResize", height: 950 })).toBe(950);
    expect(requestedHeight({ subject: "lti.frameResize", height: "700" })).toBe(700);
    expect(requestedHeight({ subject: "lti.frameResize", height: 10 })).toBe(MIN_HEIGHT);
    expect(requestedHeight({ subject: "lti.frameResize", height: 1e9 })).toBe(MAX_HEIGHT);
    expect(requestedHeight({ subject: "lti.frameResize", height: Number.NaN })).toBeNull();
    expect(requestedHeight({ subject: "org.imsglobal.lti.close" })).toBeNull();
    expect(requestedHeight("lti.frameResize")).toBeNull();
    expect(requestedHeight(null)).toBeNull();
  });

  it("resizes only the tool frame the message came from", () => {
    const frame = (attributes: string): string => `<iframe ${attributes}></iframe>`;
    document.body.innerHTML = [
      frame('class="tool-frame" height="600"'),
      frame('class="tool-frame" height="600"'),
      frame('height="300"'),
    ].join("");
    const frames = Array.from(document.querySelectorAll("iframe"));
    const [first, second, other] = [frames[0]!, frames[1]!, frames[2]!];
    // happy-dom loads no frame: give each a window of its own to compare message sources with
    const windows = frames.map((frame) => {
      const own = {};
      Object.defineProperty(frame, "contentWindow", { value: own });
      return own;
    });
    const from = (source: unknown) =>
      ({ data: { subject: "lti.frameResize", height: 900 }, source }) as unknown as MessageEvent;
    expect(resizeToolFrame(document, from(windows[1]))).toBe(true);
    expect([first.getAttribute("height"), second.getAttribute("height")]).toEqual(["600", "900"]);
    expect(resizeToolFrame(document, from(windows[2]))).toBe(false);
    expect(other.getAttribute("height")).toBe("300");
    expect(resizeToolFrame(document, from({}))).toBe(false);
  });
});
