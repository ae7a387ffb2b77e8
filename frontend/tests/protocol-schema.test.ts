/**
 * The browser's side of the live protocol against the server's declaration. The server exports
 * classrooms/live/protocol.py as JSON Schema (src/live/protocol.schema.json, `make schema`; a
 * Python test fails when it is stale). Here: every frame and event the schema declares parses,
 * with every declared field kept, and the runtime lists match it.
 */
import { describe, expect, it } from "vitest";
import { ACTIVITY_KINDS } from "../src/activities";
import { CONSOLE_LABEL_KEYS } from "../src/live/console/labels";
import { parseServerFrame } from "../src/live/parse";
import { CLIENT_FRAME_TYPES, EVENT_KINDS, PROTOCOL_VERSION } from "../src/live/protocol";
import schemaJson from "../src/live/protocol.schema.json";
import { STUDENT_LABEL_KEYS } from "../src/live/student/labels";

type Schema = {
  $ref?: string;
  anyOf?: Schema[];
  enum?: unknown[];
  type?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  additionalProperties?: Schema | boolean;
  minimum?: number;
  default?: unknown;
};

const schema = schemaJson as unknown as {
  protocol: number;
  client: Schema;
  server: Schema;
  roles: Record<string, string[]>;
  events: Record<string, Schema>;
  labels: { console: string[]; student: string[] };
  activities: { kind: string; scored: boolean; checked: boolean }[];
  $defs: Record<string, Schema>;
};

/** Fields the server sends that the browser deliberately does not keep (nothing reads them). */
const UNUSED_BY_THE_BROWSER = new Set(["Tally.open", "TallyData.open"]);
/** Required fields whose absence the browser tolerates on purpose: a missing count reads as null,
 * a missing distribution as empty (the tally of a poll, or of an older server); a tally of a server
 * before asking again has no kind ("") or lesson number (0). */
const TOLERATED_MISSING = new Set(["Tally.correct", "Tally.distribution", "Tally.kind", "Tally.number"]);

function resolve(node: Schema): [string, Schema] {
  if (node.$ref) {
    const name = node.$ref.split("/").pop()!;
    return [name, schema.$defs[name]!];
  }
  return ["", node];
}

/** A value that fits `node`, with every optional field present, so nothing declared goes untested. */
function sample(node: Schema): unknown {
  const [, s] = resolve(node);
  if (s.enum) return s.enum[0];
  if (s.anyOf) return sample(s.anyOf.find((option) => option.type !== "null") ?? s.anyOf[0]!);
  switch (s.type) {
    case "integer":
      return Math.max(1, s.minimum ?? 1);
    case "number":
      return 1.5;
    case "string":
      return "x";
    case "boolean":
      return true;
    case "array":
      return s.items ? [sample(s.items)] : [];
    case "object": {
      if (s.properties) return Object.fromEntries(Object.entries(s.properties).map(([k, v]) => [k, sample(v)]));
      if (typeof s.additionalProperties === "object") return { b1: sample(s.additionalProperties) };
      return {};
    }
    default:
      return null; // any JSON
  }
}

/** Every declared property of `node` (and of the objects inside it) is in `value`. */
function keepsEveryDeclaredField(node: Schema, value: unknown, path: string): string[] {
  const [name, s] = resolve(node);
  if (s.anyOf) {
    const option = s.anyOf.find((o) => o.type !== "null");
    return option && value !== null ? keepsEveryDeclaredField(option, value, path) : [];
  }
  if (s.type === "array" && s.items && Array.isArray(value)) {
    return value.flatMap((item, i) => keepsEveryDeclaredField(s.items!, item, `${path}[${i}]`));
  }
  if (s.type !== "object" || typeof value !== "object" || value === null) return [];
  const record = value as Record<string, unknown>;
  const missing: string[] = [];
  for (const [key, child] of Object.entries(s.properties ?? {})) {
    if (UNUSED_BY_THE_BROWSER.has(`${name}.${key}`)) continue;
    if (!(key in record)) missing.push(`${path}.${key}`);
    else missing.push(...keepsEveryDeclaredField(child, record[key], `${path}.${key}`));
  }
  if (typeof s.additionalProperties === "object") {
    for (const [key, child] of Object.entries(record)) {
      missing.push(...keepsEveryDeclaredField(s.additionalProperties, child, `${path}.${key}`));
    }
  }
  return missing;
}

const tagOf = (node: Schema): string => String(resolve(node)[1].properties!.type!.enum![0]);
const serverFrames = schema.server.anyOf!;

describe("the live protocol against the server's schema", () => {
  it("speaks the same protocol version", () => {
    expect(schema.protocol).toBe(PROTOCOL_VERSION);
  });

  it("knows every client frame type the server accepts, and no other", () => {
    expect([...CLIENT_FRAME_TYPES].sort()).toEqual(schema.client.anyOf!.map(tagOf).sort());
    expect(Object.keys(schema.roles).sort()).toEqual([...CLIENT_FRAME_TYPES].sort());
  });

  it("knows every event kind, and no other", () => {
    expect([...EVENT_KINDS].sort()).toEqual(Object.keys(schema.events).sort());
  });

  it.each(serverFrames.filter((f) => tagOf(f) !== "event").map((f) => [tagOf(f), f] as const))(
    "parses a %s frame with every declared field and keeps them",
    (_tag, frame) => {
      const value = sample(frame);
      const parsed = parseServerFrame(value);
      expect(parsed).not.toBeNull();
      expect(keepsEveryDeclaredField(frame, parsed, "$")).toEqual([]);
    },
  );

  it.each(Object.entries(schema.events))("parses a %s event with every declared field and keeps them", (kind, data) => {
    const value = { type: "event", version: 3, kind, data: sample(data) };
    const parsed = parseServerFrame(value) as { data: unknown } | null;
    expect(parsed).not.toBeNull();
    expect(keepsEveryDeclaredField(data, parsed!.data, "$.data")).toEqual([]);
  });

  it("drops a frame that lacks a field the schema requires (a missing nullable field reads as null)", () => {
    const nullable = (node: Schema | undefined) => !!node?.anyOf?.some((option) => option.type === "null");
    for (const frame of serverFrames) {
      const [, s] = resolve(frame);
      const name = resolve(frame)[0];
      const checked = (f: string) => f !== "type" && !nullable(s.properties?.[f]) && !UNUSED_BY_THE_BROWSER.has(`${name}.${f}`) && !TOLERATED_MISSING.has(`${name}.${f}`);
      for (const field of (s.required ?? []).filter(checked)) {
        const value = sample(frame) as Record<string, unknown>;
        delete value[field];
        expect([tagOf(frame), field, parseServerFrame(value)]).toEqual([tagOf(frame), field, null]);
      }
    }
  });

  it("receives exactly the label keys the server renders for each page", () => {
    expect([...CONSOLE_LABEL_KEYS].sort()).toEqual(schema.labels.console);
    expect([...STUDENT_LABEL_KEYS].sort()).toEqual(schema.labels.student);
  });

  it("mirrors every activity kind of the server's registry, in its order", () => {
    expect([...ACTIVITY_KINDS]).toEqual(schema.activities.map((entry) => entry.kind));
  });
});
