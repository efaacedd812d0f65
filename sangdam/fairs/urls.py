"""The fair app's pages: participants' my-page, the organizer's console, files and feeds."""

from django.urls import include, path

app_name = "fairs"
urlpatterns = [
    path("", include("sangdam.fairs.urls_mypage")),
    path("", include("sangdam.fairs.urls_console")),
    path("", include("sangdam.fairs.urls_files")),
]
