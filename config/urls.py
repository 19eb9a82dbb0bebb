from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path, re_path
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts import views as account_views
from publiccache.pages import public_page
from reporting import feeds as progress_feeds
from reports.feeds import PublishedReportsFeed
from reports.sitemaps import SITEMAPS
from transparency.feeds import PublishedDocumentsFeed
from workprogramme import views as catalogue_views

from .errors import page_not_found
from .health import healthz

admin.site.site_header = "ASEAN Digital Action Plans Tracker"
admin.site.site_title = "Tracker admin"

urlpatterns = [
    path("", catalogue_views.home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/profile/", account_views.profile, name="profile"),
    path("accounts/tokens/", account_views.token_create, name="token_create"),
    path("accounts/tokens/<str:token_key>/revoke/", account_views.token_delete, name="token_delete"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("workprogramme.api.urls")),
    path("api/v1/", include("reporting.api.urls")),
    path("api/v1/", include("reports.api_urls")),
    path("api/v1/", include("transparency.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script from its own URL, as the Content-Security-Policy requires.
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api-schema", template_name="api/swagger_ui.html"),
        name="api-docs",
    ),
    # Anything else under /api/ answers JSON 404 even with DEBUG on (whose 404 page is HTML), so clients built
    # against `make run` read the same error as in production.
    # (Only addresses ending in a slash, so that CommonMiddleware still adds a missing slash to a known one.)
    re_path(r"^api/(.*/)?$", csrf_exempt(page_not_found), name="api-not-found"),
    path("feeds/reports/", public_page(PublishedReportsFeed()), name="feed_reports"),
    path("feeds/progress/", public_page(progress_feeds.ProgressFeed()), name="feed_progress"),
    path(
        "feeds/progress/programme/<str:code>/",
        public_page(progress_feeds.ProgrammeProgressFeed()),
        name="feed_progress_programme",
    ),
    path(
        "feeds/progress/body/<str:acronym>/", public_page(progress_feeds.BodyProgressFeed()), name="feed_progress_body"
    ),
    path(
        "feeds/progress/member-state/<str:code>/",
        public_page(progress_feeds.MemberStateProgressFeed()),
        name="feed_progress_member_state",
    ),
    path("feeds/negotiations/", public_page(PublishedDocumentsFeed()), name="feed_register"),
    path("sitemap.xml", public_page(sitemap_views.sitemap), {"sitemaps": SITEMAPS}, name="sitemap"),
    path("reporting/", include("reporting.urls")),
    path("reports/", include("reports.urls")),
    path("open-data/", include("opendata.urls")),
    path("dashboards/", include("charts.urls")),
    path("negotiations/", include("transparency.urls")),
    path("", include("workprogramme.urls")),
]

handler403 = "config.errors.forbidden"
handler400 = "config.errors.bad_request"
handler404 = "config.errors.page_not_found"
handler500 = "config.errors.server_error"
