import { describe, expect, it } from "vitest";
import { fill, readLabels } from "../src/live/labels";
import { CONSOLE_LABEL_KEYS } from "../src/live/console/labels";
import { STUDENT_LABEL_KEYS } from "../src/live/student/labels";
import schemaJson from "../src/live/protocol.schema.json";

/** The label keys the server renders for each live page (classrooms/live/labels.py), as exported
 * into the protocol schema by `make schema` (a Python test keeps that file current). */
const serverKeys = (schemaJson as unknown as { labels: { console: string[]; student: string[] } }).labels;

describe("labels", () => {
  it("the Python labels and the TypeScript keys match exactly", () => {
    expect([...serverKeys.console].sort()).toEqual([...CONSOLE_LABEL_KEYS].sort());
    expect([...serverKeys.student].sort()).toEqual([...STUDENT_LABEL_KEYS].sort());
  });

  it("the TypeScript keys have no duplicates", () => {
    expect(new Set(CONSOLE_LABEL_KEYS).size).toBe(CONSOLE_LABEL_KEYS.length);
    expect(new Set(STUDENT_LABEL_KEYS).size).toBe(STUDENT_LABEL_KEYS.length);
  });

  it("reads labels from the page, with missing or broken ones as empty text", () => {
    document.body.innerHTML = `<script type="application/json" id="live-labels">{"saved": "저장됨", "sending": 5}</script>`;
    expect(readLabels(document, ["saved", "sending", "retry"] as const)).toEqual({ saved: "저장됨", sending: "", retry: "" });
    document.body.innerHTML = `<script type="application/json" id="live-labels">{broken</script>`;
    expect(readLabels(document, ["saved"] as const)).toEqual({ saved: "" });
    document.body.innerHTML = "";
    expect(readLabels(document, ["saved"] as const)).toEqual({ saved: "" });
  });

  it("fills placeholders and leaves unknown ones alone", () => {
    expect(fill("{name} 학생을 내보낼까요?", { name: "윤슬기" })).toBe("윤슬기 학생을 내보낼까요?");
    expect(fill("{connected} of {total} connected", { connected: 3, total: 4 })).toBe("3 of 4 connected");
    expect(fill("{missing} {n}", { n: 1 })).toBe("{missing} 1");
  });
});
