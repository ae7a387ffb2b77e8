/**
 * The one HTML sanitiser for rich text the server renders: lesson explanations, revealed results
 * and live slide fragments. Built on DOMPurify's defaults (no scripts, no inline handlers, no
 * javascript: URLs; forms, inputs, images, figures, tables, data-* and aria-* attributes stay),
 * plus three rules of ours:
 * - an iframe stays only if its src is https on a host of EMBED_HOSTS, or Baeum's own launch of an
 *   external tool (a path under TOOL_LAUNCH_PATH) in a sandbox that keeps the tool from navigating
 *   the page (isSandboxedToolFrame), and keeps only IFRAME_ATTRIBUTES (never srcdoc or a handler);
 * - a data: URL is never kept in src or href;
 * - <style> goes (the site's stylesheet styles lesson content), and links keep their target.
 */
import DOMPurify, { type Config, type DOMPurify as Purifier } from "dompurify";

/**
 * Hosts whose https pages may be embedded: the ones courses/blocks.py's video block emits.
 * One list, so that another embed (an LTI tool launch, say) is one more entry here.
 */
export const EMBED_HOSTS: readonly string[] = ["www.youtube-nocookie.com", "player.vimeo.com"];

/** The attributes an embedded iframe keeps; everything else on it is removed. */
export const IFRAME_ATTRIBUTES: ReadonlySet<string> = new Set([
  "src",
  "title",
  "allow",
  "allowfullscreen",
  "loading",
  "referrerpolicy",
  "width",
  "height",
  "class",
  "sandbox",
]);

const URL_ATTRIBUTES: ReadonlySet<string> = new Set(["src", "href"]);

/** Baeum's own page that launches an external LTI tool in a lesson's frame (lti/platform/launch_urls.py). */
export const TOOL_LAUNCH_PATH = "/lti/platform/launch/";

/** Whether `src` is a same-origin path to Baeum's tool launch (no scheme, host, dots or backslashes). */
export function isToolLaunch(src: string): boolean {
  const path = src.trim();
  return path.startsWith(TOOL_LAUNCH_PATH) && /^[A-Za-z0-9/_?=&-]+$/.test(path) && !path.includes("//");
}

/**
 * Whether a tool launch's iframe is sandboxed as courses/blocks/external_activity.html renders it:
 * a sandbox attribute, and no allow-top-navigation token (the tool's page, inside the frame, must
 * not send the lesson page elsewhere). Sandbox tokens are case-insensitive.
 */
export function isSandboxedToolFrame(frame: Element): boolean {
  const sandbox = frame.getAttribute("sandbox");
  return sandbox !== null && !/(^|\s)allow-top-navigation/i.test(sandbox);
}

/** Whether `src` may be shown in an iframe: an absolute https URL on an allowed host, or a tool launch. */
export function isAllowedEmbed(src: string | null): boolean {
  if (src === null) return false;
  if (isToolLaunch(src)) return true;
  let url: URL;
  try {
    url = new URL(src.trim());
  } catch {
    return false; // relative or malformed
  }
  return url.protocol === "https:" && url.port === "" && url.username === "" && EMBED_HOSTS.includes(url.hostname);
}

const CONFIG: Config & { RETURN_DOM_FRAGMENT: true } = {
  RETURN_DOM_FRAGMENT: true,
  ADD_TAGS: ["iframe"],
  ADD_ATTR: (name, tag) => (tag === "iframe" && IFRAME_ATTRIBUTES.has(name)) || (tag === "a" && name === "target"),
  FORBID_TAGS: ["style"],
};

/** Markup whose clean form tells whether DOMPurify really works in this DOM (see instance()). */
const PROBE = '<b>1</b><script>2</script><i onclick="3">4</i>';
const PROBE_CLEAN = "<b>1</b><i>4</i>";

let purifier: Purifier | null = null;

/**
 * Our own DOMPurify instance, so that its hooks never apply to anyone else's use of the library.
 * It fails closed: in a DOM where DOMPurify cannot work (happy-dom, whose NodeIterator and
 * Node.prototype.nodeName differ from browsers', keeps scripts) it throws rather than pass HTML on.
 */
function instance(): Purifier {
  if (purifier) return purifier;
  const created = DOMPurify(window);
  if (!created.isSupported || created.sanitize(PROBE) !== PROBE_CLEAN) {
    throw new Error("DOMPurify cannot sanitise in this DOM; server HTML is not shown");
  }
  created.addHook("uponSanitizeElement", (node, event) => {
    if (event.tagName !== "iframe") return;
    const src = (node as Element).getAttribute("src");
    if (!isAllowedEmbed(src) || (isToolLaunch(src ?? "") && !isSandboxedToolFrame(node as Element))) {
      node.parentNode?.removeChild(node);
    }
  });
  created.addHook("uponSanitizeAttribute", (node, event) => {
    const iframeExtra = node.nodeName === "IFRAME" && !IFRAME_ATTRIBUTES.has(event.attrName);
    const dataUrl = URL_ATTRIBUTES.has(event.attrName) && /^data:/i.test(event.attrValue.replace(/\s+/g, ""));
    if (iframeExtra || dataUrl) event.keepAttr = false;
  });
  purifier = created;
  return created;
}

/** `html` as nodes with nothing executable left in them, ready to append. */
export function sanitise(html: string): DocumentFragment {
  return instance().sanitize(html, CONFIG);
}
