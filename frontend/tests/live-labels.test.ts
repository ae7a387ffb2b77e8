import { describe, expect, it } from "vitest";
import { fill, readLabels } from "../src/live/labels";
import { CONSOLE_LABEL_KEYS } from "../src/pages/live-console";
import { STUDENT_LABEL_KEYS } from "../src/pages/live-student";
import source from "../../classrooms/live_labels.py?raw";

/** The keys each function in classrooms/live_labels.py returns (including `**_connection()`). */
function pythonKeys(): Record<string, string[]> {
  const functions: Record<string, string[]> = {};
  for (const match of source.matchAll(/^def (\w+)\(\)[^\n]*\n([\s\S]*?)(?=^def |(?![\s\S]))/gm)) {
    functions[match[1]!] = [...match[2]!.matchAll(/^\s+"(\w+)":\s*_\(/gm)].map((m) => m[1]!);
  }
  const expand = (name: string): string[] => {
    const body = source.match(new RegExp(`^def ${name}\\(\\)[^\\n]*\\n([\\s\\S]*?)(?=^def |(?![\\s\\S]))`, "m"))?.[1] ?? "";
    const spread = [...body.matchAll(/\*\*(\w+)\(\)/g)].flatMap((m) => expand(m[1]!));
    return [...spread, ...(functions[name] ?? [])];
  };
  return { console: expand("console_labels"), student: expand("student_labels") };
}

describe("labels", () => {
  it("the Python labels and the TypeScript keys match exactly", () => {
    const keys = pythonKeys();
    expect([...keys.console!].sort()).toEqual([...CONSOLE_LABEL_KEYS].sort());
    expect([...keys.student!].sort()).toEqual([...STUDENT_LABEL_KEYS].sort());
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
