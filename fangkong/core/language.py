"""Which language a request is answered in.

Chinese first: the pages speak Chinese unless the reader picked English with the language
switch (a cookie), whatever the browser advertises, because an HQ's shared screens and
borrowed laptops often run an English browser while everyone reading them works in Chinese.
The API is read by programs, which say what they want: there Accept-Language is honoured.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

API_PREFIX = "/api/"


def chosen_language(request: HttpRequest) -> str:
    """The reader's choice from the switch, if it is a language we speak; else Chinese."""
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    try:
        return translation.get_supported_language_variant(chosen)
    except LookupError:
        return settings.LANGUAGE_CODE


class ChineseFirstLocaleMiddleware(LocaleMiddleware):
    def process_request(self, request: HttpRequest) -> None:
        if request.path.startswith(API_PREFIX):
            super().process_request(request)
            return
        translation.activate(chosen_language(request))
        request.LANGUAGE_CODE = translation.get_language()
