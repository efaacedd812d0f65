from django.urls import include, path

from config.api import api
from sangdam.accounts import views as account_views
from sangdam.core import views as core_views

urlpatterns = [
    path("", account_views.home, name="home"),
    path("", include("sangdam.accounts.urls")),
    path("", include("sangdam.fairs.urls")),
    path("", include("sangdam.crm.urls")),
    path("", include("sangdam.messaging.urls")),
    path("i18n/setlang/", account_views.set_language, name="set_language"),
    path("api/v1/", api.urls),
    path("healthz", core_views.health, name="health"),
]

handler403 = "sangdam.core.views.forbidden"
handler404 = "sangdam.core.views.not_found"
