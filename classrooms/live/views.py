"""Pages of live sessions: start one, join one with a code, the teacher console, the projector
view, the student view and each slide as an HTML fragment. The socket protocol is in
docs/live-protocol.md."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from classrooms.cards import qr_svg
from classrooms.live import labels, services
from classrooms.live.access import GUESTS_SESSION_KEY, live_seat, live_session_for_user
from classrooms.live.forms import JoinSessionForm, StartSessionForm
from classrooms.live.models import LiveSession, Participant, SessionState
from edu.accounts import throttle
from edu.accounts.access import require_teacher
from edu.accounts.models import User
from edu.errors import DomainError


@login_required
@require_POST
def start(request: HttpRequest) -> HttpResponse:
    """A teacher starts a live session of a lesson, for one of their classes or open to guests."""
    teacher = require_teacher(request.user)
    form = StartSessionForm(teacher, request.POST)
    if not form.is_valid():
        for error in form.errors.values():
            messages.error(request, " ".join(str(e) for e in error))
        back = request.POST.get("back") or ""
        safe = url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()})
        return redirect(back if safe and back else "home")
    try:
        session = services.session_start(
            teacher=teacher, lesson=form.cleaned_data["lesson"], classroom=form.cleaned_data["classroom"]
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        running = LiveSession.objects.filter(classroom=form.cleaned_data["classroom"]).exclude(state=SessionState.ENDED)
        found = running.first() if form.cleaned_data["classroom"] is not None else None
        return redirect("live:console", session_id=found.pk) if found else redirect("home")
    return redirect("live:console", session_id=session.pk)


def _join_failed(request: HttpRequest) -> None:
    throttle.record_failure("live-code", throttle.code_device_key(request))
    throttle.record_failure("live-code-address", throttle.client_address(request))


def _join_blocked(request: HttpRequest) -> bool:
    return throttle.is_blocked("live-code", throttle.code_device_key(request)) or throttle.is_blocked(
        "live-code-address", throttle.client_address(request), limit=settings.LOGIN_CODE_FAILURES_PER_ADDRESS
    )


@never_cache
@require_http_methods(["GET", "POST"])
def join(request: HttpRequest) -> HttpResponse:
    """Enter a session code (a QR points here with the code in the fragment). Students of the
    class go straight in; an open session asks guests for a nickname. Wrong codes are throttled
    per device and per address, like login codes."""
    form = JoinSessionForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST" and form.is_valid():
        if _join_blocked(request):
            form.add_error(None, _("Too many wrong codes from this device. Wait a few minutes and try again."))
            return render(request, "classrooms/live_join.html", {"form": form}, status=429)
        session = LiveSession.objects.filter(code=form.cleaned_data["code"]).exclude(state=SessionState.ENDED).first()
        if session is None:
            _join_failed(request)
            form.add_error("code", _("No live session has this code. Check the code on the board."))
            return render(request, "classrooms/live_join.html", {"form": form}, status=400)
        response = _enter(request, session, form)
        if response is not None:
            return response
        status = 400
    elif request.method == "POST":
        status = 400
    return render(request, "classrooms/live_join.html", {"form": form}, status=status)


def _enter(request: HttpRequest, session: LiveSession, form: JoinSessionForm) -> HttpResponse | None:
    user = request.user
    if isinstance(user, User):
        try:
            _session, role = live_session_for_user(user, session.pk)
        except Http404:
            if not session.is_open:
                _join_failed(request)
                form.add_error("code", _("This live session is for another class."))
                return None
            role = "student"
        if role == "teacher":
            return redirect("live:console", session_id=session.pk)
        try:
            services.participant_join(session, user)
        except DomainError as exc:
            form.add_error(None, exc.message)
            return None
        return redirect("live:student", session_id=session.pk)
    if not session.is_open:
        form.add_error(None, _("Sign in with your login card first, then join the live lesson."))
        return None
    guests = dict(request.session.get(GUESTS_SESSION_KEY) or {})
    if str(session.pk) in guests:
        return redirect("live:student", session_id=session.pk)
    nickname = form.cleaned_data.get("nickname") or ""
    if not nickname:
        form.add_error("nickname", _("Enter a nickname to join."))
        form.needs_nickname = True
        return None
    try:
        participant = services.guest_join(session, nickname)
    except DomainError as exc:
        form.add_error("nickname", exc.message)
        form.needs_nickname = True
        return None
    guests[str(session.pk)] = participant.pk
    request.session[GUESTS_SESSION_KEY] = guests
    return redirect("live:student", session_id=session.pk)


def _seat(request: HttpRequest, session_id: int) -> tuple[LiveSession, str, Participant | None]:
    guests = request.session.get(GUESTS_SESSION_KEY) or {}
    try:
        return live_seat(request.user, guests, session_id)
    except PermissionError:
        raise Http404 from None
    except DomainError as exc:
        if exc.code == "removed":
            raise PermissionDenied(_("Your teacher removed you from this session.")) from None
        raise Http404 from None


def _slides(session: LiveSession) -> list[dict[str, object]]:
    return [{"index": i, "title": slide.title} for i, slide in enumerate(session.lesson.slides())]


def _ended_seat(request: HttpRequest, session_id: int) -> LiveSession | None:
    """The ended session ``session_id`` if this student or guest took part in it (and was not
    removed): a reload after the end shows "the lesson has ended", not "not found"."""
    user = request.user
    session: LiveSession | None
    if isinstance(user, User):
        try:
            session, role = live_session_for_user(user, session_id)
        except Http404:
            return None
        seats = session.participants.filter(user=user) if role == "student" else None
    else:
        seat = (request.session.get(GUESTS_SESSION_KEY) or {}).get(str(session_id))
        if not isinstance(seat, int):
            return None
        session = LiveSession.objects.select_related("lesson").filter(pk=session_id).first()
        seats = session.participants.filter(pk=seat, user__isnull=True) if session is not None else None
    if session is None or session.state != SessionState.ENDED or seats is None:
        return None
    return session if seats.filter(removed=False).exists() else None


@never_cache
def student(request: HttpRequest, session_id: int) -> HttpResponse:
    if not request.user.is_authenticated and not request.session.get(GUESTS_SESSION_KEY):
        return redirect(f"{reverse('live:join')}")
    try:
        session, role, participant = _seat(request, session_id)
    except Http404:
        ended = _ended_seat(request, session_id)  # only asked when the seat is refused
        if ended is None:
            raise
        return render(request, "classrooms/live_student_ended.html", {"session": ended})
    if role == "teacher":
        return redirect("live:console", session_id=session.pk)
    return render(
        request,
        "classrooms/live_student.html",
        {
            "session": session,
            "participant": participant,
            "ws_path": f"/ws/live/{session.pk}/",
            "slide_url": reverse("live:slide", args=[session.pk, 0]).removesuffix("0/"),
            "labels": labels.student_labels(),
        },
    )


def console_view_labels() -> dict[str, str]:
    """Console texts added with the projector view and the class roster (frontend
    ``CONSOLE_VIEW_LABEL_KEYS`` in src/live/console/labels.ts has the same keys)."""
    return {
        "status_absent": _("Not joined"),
        "raised_hand": _("Raised hand"),
    }


def projector_labels() -> dict[str, str]:
    """Texts of the projector view (frontend ``PROJECTOR_LABEL_KEYS`` has the same keys)."""
    return {
        **labels.connection_labels(),
        "time_left": _("Time left"),
        "time_up": _("Time is up"),
        "waiting": _("The lesson starts soon. Join now with the code."),
        "question_open": _("Answer on your device now."),
        "answered_count": _("{answered} of {total} answered"),
        "results_title": _("Results"),
        "correct_answer": _("Answer"),
        "correct_count": _("{count} correct"),
        "correct_names": _("Answered correctly"),
        "session_ended": _("The session has ended."),
        "fullscreen": _("Full screen"),
        "exit_fullscreen": _("Exit full screen"),
        "slide_error": _("Could not load this slide."),
        "retry": _("Try again"),
        "closed_4401": _("You are signed out. Sign in again to continue."),
        "closed_4404": _("This session is not available."),
    }


def _teacher_session(request: HttpRequest, session_id: int) -> LiveSession:
    """The session if the signed-in user is one of its teachers; 404 for anyone else."""
    session, role = live_session_for_user(request.user, session_id)
    if role != "teacher":
        raise Http404
    return session


def _join_url(session: LiveSession) -> str:
    return f"{settings.BASE_URL}{reverse('live:join')}#{session.code}"


@login_required
@never_cache
def console(request: HttpRequest, session_id: int) -> HttpResponse:
    session, role = live_session_for_user(request.user, session_id)
    if role != "teacher":
        return redirect("live:student", session_id=session.pk)
    join_url = _join_url(session)
    return render(
        request,
        "classrooms/live_console.html",
        {
            "session": session,
            "ws_path": f"/ws/live/{session.pk}/",
            "slide_url": reverse("live:slide", args=[session.pk, 0]).removesuffix("0/"),
            "slide_list_url": reverse("live:slide_list", args=[session.pk]),
            "present_url": reverse("live:present", args=[session.pk]),
            "join_url": join_url,
            "qr_svg": qr_svg(join_url),
            "report_url": reverse("live:report", args=[session.pk]),
            "slides": _slides(session),
            "labels": {**labels.console_labels(), **console_view_labels(), **labels.question_labels()},
        },
    )


@login_required
@never_cache
def present(request: HttpRequest, session_id: int) -> HttpResponse:
    """The projector view: what the class sees on the board while the teacher drives the console
    from a tablet (join code and QR, the current slide, the timer, revealed results). Teachers of
    the session only; it follows the session over its own teacher socket and sends nothing."""
    session = _teacher_session(request, session_id)
    join_url = _join_url(session)
    return render(
        request,
        "classrooms/live_present.html",
        {
            "session": session,
            "ws_path": f"/ws/live/{session.pk}/",
            "slide_url": reverse("live:slide", args=[session.pk, 0]).removesuffix("0/"),
            "join_url": join_url,
            "join_address": f"{settings.BASE_URL}{reverse('live:join')}",
            "qr_svg": qr_svg(join_url),
            "labels": projector_labels(),
        },
    )


@login_required
@never_cache
def slide_list(request: HttpRequest, session_id: int) -> JsonResponse:
    """The lesson's slides as they are now (index and title), for the console's "go to slide"
    list after the lesson was republished during the session. Teachers of the session only."""
    session = _teacher_session(request, session_id)
    response = JsonResponse({"slides": _slides(session)})
    response["Cache-Control"] = "private, no-store"
    return response


def slide(request: HttpRequest, session_id: int, index: int) -> HttpResponse:
    """One slide as an HTML fragment without answer keys. Students only get the current slide
    (no reading ahead); teachers any."""
    session, role, _participant = _seat(request, session_id)
    if role != "teacher" and index != session.slide_index:
        return HttpResponse(_("This slide is not shown now."), status=403, content_type="text/plain; charset=utf-8")
    slides = session.lesson.slides()
    if not 0 <= index < len(slides):
        raise Http404
    response = render(
        request,
        "classrooms/live_slide.html",
        {
            "slide": slides[index],
            "index": index,
            "count": len(slides),
            "live": True,
            "lesson_id": session.lesson_id,
            "live_session_id": session.pk,
            "teacher_preview": role == "teacher",  # the console (often on the projector)
        },
    )
    response["Cache-Control"] = "private, no-store"
    return response
