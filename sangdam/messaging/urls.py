from django.urls import include, path

app_name = "messaging"

urlpatterns = [
    path("messaging/", include("sangdam.messaging.urls_compose")),
    path("messaging/", include("sangdam.messaging.urls_admin")),
    path("messaging/", include("sangdam.messaging.urls_reports")),
]
