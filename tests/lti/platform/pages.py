"""The test platform's HTML: auto-submitting forms, the LMS course page with the tool's iframe, the
dynamic registration page, the deep linking result page and small message pages."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from html import escape
from typing import Any
from urllib.parse import urlencode

# What an LMS typically lets a tool's iframe use.
IFRAME_ALLOW = (
    "fullscreen *; clipboard-read *; clipboard-write *; autoplay *; microphone *; camera *; display-capture *"
)

STYLE = """<style>
body { font-family: sans-serif; margin: 0; } header { background: #234; color: #fff; padding: .5rem 1rem; }
main { padding: 1rem; } iframe { width: 100%; height: 640px; border: 1px solid #999; }
nav a { margin-right: 1rem; } table { border-collapse: collapse; } td, th { border: 1px solid #ccc; padding: .25rem; }
</style>"""


def _page(title: str, body: str) -> str:
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>{STYLE}</head>'
        f"<body>{body}</body></html>"
    )


def _script_json(value: Any) -> str:
    return json.dumps(value).replace("</", "<\\/")


def _hidden(fields: Mapping[str, str]) -> str:
    return "".join(
        f'<input type="hidden" name="{escape(name)}" value="{escape(value)}">' for name, value in fields.items()
    )


def auto_post_form(action: str, fields: Mapping[str, str], *, title: str = "Redirecting…", target: str = "") -> str:
    target_attr = f' target="{escape(target)}"' if target else ""
    return _page(
        title,
        f'<form id="autopost" method="post" action="{escape(action)}"{target_attr}>{_hidden(fields)}'
        '<noscript><button type="submit">Continue</button></noscript></form>'
        '<script>document.getElementById("autopost").submit();</script>',
    )


def message_page(title: str, text: str) -> str:
    return _page(title, f'<main><h1>{escape(title)}</h1><p id="message">{escape(text)}</p></main>')


def course_page(
    *,
    platform_name: str,
    context_id: str,
    context_title: str,
    user_label: str,
    links: Iterable[tuple[str, str]],
    course_url: str,
    user_sub: str,
    login_url: str | None,
    login_params: Mapping[str, str] | None,
) -> str:
    """The course page: the course's resource links, and when a launch is under way the tool's
    iframe (named "tool") with a form auto-POSTing the login initiation into it."""
    nav = "".join(
        f'<a href="{escape(course_url)}?{escape(urlencode({"user": user_sub, "link": link_id}))}">{escape(title)}</a>'
        for link_id, title in links
    )
    launch = ""
    if login_url is not None and login_params is not None:
        launch = (
            f'<form id="launch" method="post" action="{escape(login_url)}" target="tool">{_hidden(login_params)}</form>'
            f'<iframe name="tool" title="Tool" allow="{IFRAME_ALLOW}" allowfullscreen '
            'src="about:blank"></iframe>'
            '<script>document.getElementById("launch").submit();</script>'
        )
    return _page(
        context_title,
        f'<header>{escape(platform_name)} · <span id="course">{escape(context_title)}</span>'
        f' · <span id="user">{escape(user_label)}</span></header>'
        f'<main data-context="{escape(context_id)}"><nav>{nav}</nav>{launch}</main>',
    )


def register_page(*, iframe_src: str, tool_origin: str, token: str, status_url: str) -> str:
    """Dynamic registration: the tool's registration page in an iframe; on its
    `org.imsglobal.lti.close` message the page asks the platform whether the registration went
    through and shows "Registered" (or that the tool closed without registering)."""
    script = f"""<script>
const toolOrigin = {_script_json(tool_origin)};
const statusUrl = {_script_json(status_url)} + "?token=" + encodeURIComponent({_script_json(token)});
window.addEventListener("message", async (event) => {{
  if (event.origin !== toolOrigin || !event.data || event.data.subject !== "org.imsglobal.lti.close") return;
  const status = await (await fetch(statusUrl)).json();
  document.getElementById("status").textContent = status.registered ? "Registered" : "Closed without registering";
  document.getElementById("client-id").textContent = status.client_id || "";
  document.getElementById("deployment-id").textContent = status.deployment_id || "";
  document.querySelector("iframe[name=registration]").remove();
}});
</script>"""
    return _page(
        "Register a tool",
        "<header>Register an LTI tool</header><main>"
        '<p id="status">Waiting for the tool…</p>'
        '<p>Client ID: <span id="client-id"></span> Deployment ID: <span id="deployment-id"></span></p>'
        f'<iframe name="registration" title="Tool registration" src="{escape(iframe_src)}"></iframe>'
        f"</main>{script}",
    )


def deep_link_result_page(
    items: list[dict[str, Any]],
    launch_links: list[tuple[str, str]],
    messages: Mapping[str, str],
) -> str:
    """What the platform shows after a deep linking response: each content item, and for each
    resource link created a link (target _top) that launches it from the course page."""
    rows = "".join(
        "<tr>"
        f'<td class="type">{escape(str(item.get("type", "")))}</td>'
        f'<td class="title">{escape(str(item.get("title", "")))}</td>'
        f'<td class="url">{escape(str(item.get("url", "")))}</td>'
        f'<td class="custom">{escape(json.dumps(item.get("custom", {}), ensure_ascii=False))}</td>'
        "</tr>"
        for item in items
    )
    launches = "".join(
        f'<li><a class="launch" href="{escape(href)}" target="_top">{escape(title)}</a></li>'
        for href, title in launch_links
    )
    notes = "".join(f'<p class="{escape(key)}">{escape(text)}</p>' for key, text in messages.items() if text)
    return _page(
        "Content added",
        f'<main><h1 id="deep-link-result">Content added: {len(items)}</h1>{notes}'
        f"<table><tr><th>Type</th><th>Title</th><th>URL</th><th>Custom</th></tr>{rows}</table>"
        f"<ul>{launches}</ul></main>",
    )
