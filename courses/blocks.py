"""Lesson body blocks. A lesson is a deck of slides (``slide_break`` starts a new one) holding
content blocks and activities. Activity templates never contain correct answers: answers are
checked on the server (``courses.checking``) and revealed only after a student has answered."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.forms.utils import ErrorList
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.images.blocks import ImageChooserBlock
from wagtail.snippets.blocks import SnippetChooserBlock

TEXT_FEATURES = ["h2", "h3", "bold", "italic", "ol", "ul", "link", "superscript", "subscript"]
PROMPT_FEATURES = ["bold", "italic", "ol", "ul", "superscript", "subscript"]
MAX_LATEX = 2000
_FORBIDDEN_LATEX = re.compile(r"\\(href|url|includegraphics|input|include|def|newcommand|html\w*)\b")

RICH_TEXT_FIELDS = {"prompt", "explanation", "sample_answer", "text"}


def clean_rich_text(html: str, features: list[str] | None = None) -> str:
    """Whitelist HTML the way Wagtail's editor does (for content that did not come through it)."""
    from wagtail.admin.rich_text.converters.editor_html import EditorHTMLConverter

    return str(EditorHTMLConverter(features=features or TEXT_FEATURES).whitelister.clean(html))


def clean_raw_block(kind: str, value: Any) -> Any:
    """Sanitise the rich-text parts of one raw stream block (imports, demo content)."""
    if kind == "text" and isinstance(value, str):
        return clean_rich_text(value)
    if isinstance(value, dict):
        return {
            key: clean_rich_text(item, PROMPT_FEATURES) if key in RICH_TEXT_FIELDS and isinstance(item, str) else item
            for key, item in value.items()
        }
    return value


def latex_problem(latex: str) -> str:
    """Why ``latex`` cannot be rendered safely, or "" when it looks well-formed."""
    if len(latex) > MAX_LATEX:
        return str(_("Formulas are limited to %(max)d characters.") % {"max": MAX_LATEX})
    depth = 0
    escaped = False
    for ch in latex:
        if escaped:
            escaped = False
            continue
        if ch == "\\":
            escaped = True
        elif ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth < 0:
                return str(_("A closing brace } has no opening brace {."))
    if depth:
        return str(_("An opening brace { is not closed."))
    begins = re.findall(r"\\begin\{(\w+\*?)\}", latex)
    ends = re.findall(r"\\end\{(\w+\*?)\}", latex)
    if begins != list(reversed(ends)) and sorted(begins) != sorted(ends):
        return str(_("\\begin and \\end environments do not match."))
    if _FORBIDDEN_LATEX.search(latex):
        return str(_("Links, files and macro definitions are not allowed in formulas."))
    return ""


class MathBlock(blocks.StructBlock):
    latex = blocks.TextBlock(label=_("LaTeX"), help_text=_("For example \\frac{3}{4} + \\frac{1}{4} = 1"))
    display = blocks.BooleanBlock(label=_("Display on its own line"), required=False, default=True)

    class Meta:
        icon = "code"
        label = _("Math")
        template = "courses/blocks/math.html"

    def clean(self, value: Any) -> Any:
        value = super().clean(value)
        problem = latex_problem(value["latex"])
        if problem:
            raise StructBlockValidationError(block_errors={"latex": ErrorList([ValidationError(problem)])})
        return value


class CalloutBlock(blocks.StructBlock):
    kind = blocks.ChoiceBlock(
        choices=[("info", _("Information")), ("tip", _("Tip")), ("warning", _("Caution"))], default="info"
    )
    text = blocks.RichTextBlock(features=PROMPT_FEATURES)

    class Meta:
        icon = "help"
        label = _("Callout")
        template = "courses/blocks/callout.html"


class SlideBreakBlock(blocks.StructBlock):
    title = blocks.CharBlock(required=False, max_length=120, label=_("Next slide title"))

    class Meta:
        icon = "minus"
        label = _("Slide break")
        template = "courses/blocks/slide_break.html"


_VIDEO_PATTERNS = [
    (re.compile(r"^https://(?:www\.)?youtube\.com/watch\?v=([\w-]{11})"), "https://www.youtube-nocookie.com/embed/{}"),
    (re.compile(r"^https://youtu\.be/([\w-]{11})"), "https://www.youtube-nocookie.com/embed/{}"),
    (re.compile(r"^https://(?:www\.)?vimeo\.com/(\d+)"), "https://player.vimeo.com/video/{}"),
]


class VideoBlock(blocks.StructBlock):
    """A video by URL. YouTube and Vimeo links play embedded; others open in a new tab.
    (No oEmbed lookups at render time: school networks and tests stay offline-safe.)"""

    url = blocks.URLBlock(label=_("Video URL"))
    caption = blocks.CharBlock(required=False, max_length=200)

    class Meta:
        icon = "media"
        label = _("Video")
        template = "courses/blocks/video.html"

    def get_context(self, value: Any, parent_context: dict[str, Any] | None = None) -> dict[str, Any]:
        context = super().get_context(value, parent_context)
        context["embed_url"] = embed_url(value["url"])
        return context


def embed_url(url: str) -> str:
    for pattern, template in _VIDEO_PATTERNS:
        match = pattern.match(url)
        if match:
            return template.format(match.group(1))
    return ""


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock()
    alt = blocks.CharBlock(
        label=_("Alternative text"), max_length=250, help_text=_("What the image shows, for screen readers")
    )
    caption = blocks.CharBlock(required=False, max_length=250)

    class Meta:
        icon = "image"
        label = _("Image")
        template = "courses/blocks/image.html"


# --- Activities -------------------------------------------------------------------------------


def _standards() -> blocks.ListBlock:
    return blocks.ListBlock(
        SnippetChooserBlock("courses.AchievementStandard"), default=[], required=False, label=_("Achievement standards")
    )


class ActivityBlock(blocks.StructBlock):
    prompt = blocks.RichTextBlock(features=PROMPT_FEATURES, label=_("Question"))

    class Meta:
        icon = "form"

    def get_context(self, value: Any, parent_context: dict[str, Any] | None = None) -> dict[str, Any]:
        context = super().get_context(value, parent_context)
        context["kind"] = self.name
        return context


class ScoredActivityBlock(ActivityBlock):
    points = blocks.IntegerBlock(min_value=0, max_value=100, default=1, label=_("Points"))
    standards = _standards()
    explanation = blocks.RichTextBlock(features=PROMPT_FEATURES, required=False, label=_("Explanation after answering"))


class ChoiceBlock(blocks.StructBlock):
    text = blocks.CharBlock(max_length=300, label=_("Choice"))
    correct = blocks.BooleanBlock(required=False, label=_("Correct"))


class MultipleChoiceBlock(ScoredActivityBlock):
    choices = blocks.ListBlock(ChoiceBlock(), min_num=2, max_num=10)
    multiple = blocks.BooleanBlock(required=False, label=_("Students choose every correct answer"))

    class Meta:
        label = _("Multiple choice")
        template = "courses/blocks/multiple_choice.html"

    def clean(self, value: Any) -> Any:
        value = super().clean(value)
        correct = sum(1 for choice in value["choices"] if choice["correct"])
        if correct == 0:
            raise StructBlockValidationError(
                block_errors={"choices": ErrorList([ValidationError(_("Mark at least one choice as correct."))])}
            )
        if correct > 1 and not value["multiple"]:
            raise StructBlockValidationError(
                block_errors={
                    "multiple": ErrorList(
                        [ValidationError(_("Several choices are correct: tick “choose every correct answer”."))]
                    )
                }
            )
        return value


class TrueFalseBlock(ScoredActivityBlock):
    answer = blocks.BooleanBlock(required=False, label=_("The statement is true"))

    class Meta:
        label = _("True or false")
        template = "courses/blocks/true_false.html"


class ShortAnswerBlock(ScoredActivityBlock):
    accepted_answers = blocks.ListBlock(blocks.CharBlock(max_length=200), min_num=1, label=_("Accepted answers"))
    case_sensitive = blocks.BooleanBlock(required=False, label=_("Case matters"))

    class Meta:
        label = _("Short answer")
        template = "courses/blocks/short_answer.html"


class NumericBlock(ScoredActivityBlock):
    answer = blocks.DecimalBlock(label=_("Answer"))
    tolerance = blocks.DecimalBlock(min_value=0, default=Decimal(0), label=_("Tolerance (±)"))
    unit = blocks.CharBlock(required=False, max_length=20, label=_("Unit"))

    class Meta:
        label = _("Number")
        template = "courses/blocks/numeric.html"


class PollBlock(ActivityBlock):
    options = blocks.ListBlock(blocks.CharBlock(max_length=200), min_num=2, max_num=10, label=_("Options"))

    class Meta:
        label = _("Poll")
        template = "courses/blocks/poll.html"


class OpenResponseBlock(ScoredActivityBlock):
    sample_answer = blocks.RichTextBlock(
        features=PROMPT_FEATURES, required=False, label=_("Sample answer (teachers only)")
    )

    class Meta:
        label = _("Open response")
        template = "courses/blocks/open_response.html"


_CUSTOM_KEY = re.compile(r"^[A-Za-z0-9_]{1,64}$")
MAX_CUSTOM = 20


def custom_parameters(text: str) -> dict[str, str]:
    """``key=value`` lines as a dict (blank lines skipped). Raises ValueError with a message naming
    the line that does not fit."""
    found: dict[str, str] = {}
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        key, sep, value = line.partition("=")
        key, value = key.strip(), value.strip()
        if not sep or not _CUSTOM_KEY.match(key) or len(value) > 500:
            raise ValueError(
                str(_("Line %(line)d: write key=value, the key in letters, digits and _ only.") % {"line": number})
            )
        found[key] = value
    if len(found) > MAX_CUSTOM:
        raise ValueError(str(_("At most %(max)d custom parameters.") % {"max": MAX_CUSTOM}))
    return found


class ExternalActivityBlock(blocks.StructBlock):
    """Content from an external LTI tool (an EBS-style provider): launched inside the lesson or in a
    new window, and in a live session from the current slide. With points, the tool's score comes
    back (LTI Assignment and Grade Services) as the student's answer to this activity. The tool is
    a row of ``lti.ExternalTool`` (named by string: content does not import the LTI layer); the
    chooser offers only the tools the teacher's school has enabled (``lti/wagtail_hooks.py``)."""

    tool = SnippetChooserBlock("lti.ExternalTool", label=_("Tool"))
    title = blocks.CharBlock(max_length=255, label=_("Title"))
    text = blocks.TextBlock(required=False, max_length=1000, label=_("Description"))
    url = blocks.URLBlock(
        required=False, max_length=500, label=_("Address in the tool"), help_text=_("Empty: the tool's start page.")
    )
    custom = blocks.TextBlock(
        required=False,
        label=_("Custom parameters"),
        help_text=_("One key=value per line, sent to the tool with every launch."),
    )
    presentation = blocks.ChoiceBlock(
        choices=[("iframe", _("Inside the lesson")), ("window", _("In a new window"))],
        default="iframe",
        label=_("How it is shown"),
    )
    height = blocks.IntegerBlock(min_value=200, max_value=2000, default=600, label=_("Height inside the lesson (px)"))
    points = blocks.IntegerBlock(
        min_value=0,
        max_value=100,
        default=0,
        label=_("Points"),
        help_text=_("0: no score comes back. Otherwise the tool's score is scaled to these points."),
    )
    standards = _standards()
    resource_id = blocks.CharBlock(required=False, max_length=255, label=_("Resource ID in the tool"))
    tag = blocks.CharBlock(required=False, max_length=255, label=_("Tag"))

    class Meta:
        icon = "link-external"
        label = _("External tool")
        template = "courses/blocks/external_activity.html"

    def clean(self, value: Any) -> Any:
        value = super().clean(value)
        try:
            custom_parameters(value["custom"])
        except ValueError as problem:
            raise StructBlockValidationError(
                block_errors={"custom": ErrorList([ValidationError(str(problem))])}
            ) from None
        tool, url = value.get("tool"), value.get("url")
        if url and urlsplit(url).scheme not in ("http", "https"):
            raise StructBlockValidationError(
                block_errors={"url": ErrorList([ValidationError(_("Enter a web address starting with https://."))])}
            )
        if url and tool is not None and urlsplit(url).hostname not in tool.hosts():
            message = _("Use an address on the tool's own site (%(hosts)s).") % {
                "hosts": ", ".join(sorted(tool.hosts()))
            }
            raise StructBlockValidationError(block_errors={"url": ErrorList([ValidationError(message)])})
        return value

    def get_context(self, value: Any, parent_context: dict[str, Any] | None = None) -> dict[str, Any]:
        """``launch_url``: where the page's frame or link starts the launch (the lesson and block
        come from the page's context: ``lesson_id``, ``block_id``, and ``live_session_id`` on a
        live slide). The URL is the LTI layer's, named by string like the tool."""
        context = super().get_context(value, parent_context)
        context["kind"] = self.name
        lesson_id, block_id = context.get("lesson_id"), context.get("block_id")
        if lesson_id and block_id:
            url = reverse("lti_platform:launch", args=[lesson_id, block_id])
            session = context.get("live_session_id")
            context["launch_url"] = f"{url}?session={session}" if session else url
        return context


def content_blocks() -> list[tuple[str, blocks.Block]]:
    """The lesson stream's blocks that are not activities, in the editor's order. The activities
    follow, one per entry of the activity registry (``courses.activities.lesson_body_blocks``)."""
    return [
        ("text", blocks.RichTextBlock(features=TEXT_FEATURES, label=_("Text"), template="courses/blocks/text.html")),
        ("image", ImageBlock()),
        ("video", VideoBlock()),
        ("math", MathBlock()),
        ("callout", CalloutBlock()),
        ("slide_break", SlideBreakBlock()),
    ]
