/**
 * An external tool's activity: answered inside the tool, whose score arrives on the server
 * (LTI Assignment and Grade Services). The page has no form of ours to collect from; a stored
 * answer is the tool's score, read as "given / maximum".
 */
import type { Activity } from "./types";

const isScore = (value: unknown): value is { score_given: unknown; score_maximum: unknown } =>
  typeof value === "object" && value !== null && "score_given" in value && "score_maximum" in value;

export const external: Activity = {
  collect: () => null,
  isEmpty: () => true,
  prefill: () => false,
  describe: (_form, value) => (isScore(value) ? `${String(value.score_given)} / ${String(value.score_maximum)}` : ""),
};
