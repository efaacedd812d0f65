"""The organizer's console (url names in the "fairs" namespace)."""

from django.urls import path

from sangdam.fairs import views_console as views

urlpatterns = [
    path("organizer/", views.events, name="events"),
    path("organizer/events/new/", views.event_new, name="event-new"),
    path("organizer/events/slot-preview/", views.event_preview, name="event-preview"),
    path("organizer/events/<int:pk>/", views.event, name="event"),
    path("organizer/events/<int:pk>/edit/", views.event_edit, name="event-edit"),
    path("organizer/events/<int:pk>/publish/", views.publish, name="publish"),
    path("organizer/events/<int:pk>/unpublish/", views.unpublish, name="unpublish"),
    path("organizer/events/<int:pk>/announce/", views.announce, name="announce"),
    path("organizer/events/<int:pk>/print-table/", views.print_table, name="print-table-go"),
    path("organizer/events/<int:pk>/participants/", views.participants, name="participants"),
    path(
        "organizer/events/<int:pk>/participants/bulk/",
        views.participants_bulk,
        name="participants-bulk",
    ),
    path(
        "organizer/events/<int:pk>/participants/new/",
        views.participant_new,
        name="participant-new",
    ),
    path(
        "organizer/events/<int:pk>/participants/<int:pid>/",
        views.participant,
        name="participant",
    ),
    path("organizer/events/<int:pk>/requests/", views.requests_overview, name="requests-overview"),
    path("organizer/events/<int:pk>/scheduling/", views.scheduling, name="scheduling"),
    path(
        "organizer/events/<int:pk>/scheduling/status/",
        views.scheduling_status,
        name="scheduling-status",
    ),
    path("organizer/events/<int:pk>/matching/", views.matching, name="matching"),
    path("organizer/events/<int:pk>/matching/place/", views.matching_place, name="matching-place"),
    path("organizer/events/<int:pk>/matching/move/", views.matching_move, name="matching-move"),
    path(
        "organizer/events/<int:pk>/matching/remove/",
        views.matching_remove,
        name="matching-remove",
    ),
]
