"""Korean first: the language is the one the user chose (cookie), else Korean.

Django's LocaleMiddleware would follow the browser's Accept-Language, so a school tablet set up
in English would open Baeum in English. Here the browser's preference is ignored; the language
switcher (``/i18n/setlang/``) sets the cookie that this middleware honours.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class KoreanFirstLocaleMiddleware(LocaleMiddleware):
    def process_request(self, request: HttpRequest) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
