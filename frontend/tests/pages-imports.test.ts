import { describe, expect, it } from "vitest";

/**
 * Page modules (src/pages/) are entry points: what two pages share lives in a module of its
 * subsystem (src/activities/, src/live/, src/transport/, src/ui/), never in another page.
 */
const pages = import.meta.glob<string>("../src/pages/*.ts", { query: "?raw", import: "default", eager: true });

/** Every module specifier in `source`: static imports and re-exports, and dynamic imports. */
function specifiers(source: string): string[] {
  const found: string[] = [];
  for (const match of source.matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s*["']([^"']+)["']/gm)) found.push(match[1]!);
  for (const match of source.matchAll(/^\s*import\s*["']([^"']+)["']/gm)) found.push(match[1]!);
  for (const match of source.matchAll(/\bimport\s*\(\s*["']([^"']+)["']\s*\)/g)) found.push(match[1]!);
  return found;
}

/** Whether `specifier`, imported from a file in src/pages/, names a module in src/pages/. */
function isPageModule(specifier: string): boolean {
  if (!specifier.startsWith(".")) return false; // a package
  const resolved = new URL(specifier, "file:///src/pages/page.ts").pathname;
  return resolved.startsWith("/src/pages/");
}

describe("page modules", () => {
  it("are found", () => {
    expect(Object.keys(pages).map((path) => path.replace("../src/pages/", "")).sort()).toEqual(
      expect.arrayContaining(["lesson.ts", "live-check.ts", "live-console.ts", "live-student.ts"]),
    );
  });

  it.each(Object.entries(pages))("%s imports no other page module", (_path, source) => {
    expect(specifiers(source).filter(isPageModule)).toEqual([]);
  });

  it("the check sees the kinds of imports a page could use", () => {
    const source = [
      'import { renderMath } from "./lesson";',
      'import type { Verdict } from "../pages/lesson";',
      'export { wsUrl } from "./live-check";',
      'import "./print";',
      'const lazy = () => import("./code-login");',
      'import {\n  mountLiveConsole,\n} from "../live/console/mount";',
      'import katex from "katex";',
    ].join("\n");
    expect(specifiers(source).filter(isPageModule)).toEqual(["./lesson", "../pages/lesson", "./live-check", "./print", "./code-login"]);
  });
});
