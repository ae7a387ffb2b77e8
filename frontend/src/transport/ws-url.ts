/** ws: or wss: URL for `path`, matching the page's http: or https:. */
export function wsUrl(path: string, location: Pick<Location, "href">): string {
  const url = new URL(path, location.href);
  if (url.protocol === "https:") url.protocol = "wss:";
  else if (url.protocol === "http:") url.protocol = "ws:";
  url.hash = "";
  return url.href;
}
