from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from courses.api import api_router
from edu import health, views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("accounts/", include("edu.accounts.urls")),
    path("classes/", include("classrooms.urls")),
    path("live/", include("classrooms.live.urls")),
    path("assignments/", include("classrooms.assignments.urls")),
    path("privacy/", include("classrooms.privacy.urls")),
    path("lti/platform/", include("lti.platform.urls")),
    path("lti/", include("lti.tool.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("django-admin/", admin.site.urls),
    path("cms/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# The curriculum library: our views first, then Wagtail serves the page tree under /library/.
urlpatterns += [
    path("library/", include("courses.urls")),
    path("api/v2/", api_router.urls),
    path("library/", include(wagtail_urls)),
]
