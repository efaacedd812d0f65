"""The participant's my-page (SPEC MM-02..MM-45), in the "fairs" namespace."""

from django.urls import URLPattern, path

from sangdam.fairs import views_mypage as views

urlpatterns: list[URLPattern] = [
    path("mypage/", views.home, name="mypage"),
    path("mypage/participation/", views.participation, name="participation"),
    path("mypage/availability/", views.availability, name="availability"),
    path("mypage/availability/toggle/", views.availability_toggle, name="availability-toggle"),
    path("mypage/availability/day/", views.availability_day, name="availability-day"),
    path("mypage/time-zone/", views.time_zone, name="time-zone"),
    path("mypage/counterparts/", views.counterparts, name="counterparts"),
    path("mypage/counterparts/<int:pk>/", views.counterpart, name="counterpart"),
    path("mypage/requests/", views.requests, name="requests"),
    path(
        "mypage/requests/with/<int:counterpart_id>/cancel/",
        views.request_cancel,
        name="request-cancel",
    ),
    path("mypage/requests/<int:request_id>/accept/", views.request_accept, name="request-accept"),
    path("mypage/requests/<int:request_id>/reject/", views.request_reject, name="request-reject"),
    path(
        "mypage/requests/<int:request_id>/priority/",
        views.request_priority,
        name="request-priority",
    ),
    path("mypage/results/", views.results, name="results"),
    path("mypage/results/waiting/", views.waiting, name="waiting"),
    path("mypage/results/<int:meeting_id>/report/", views.report, name="report"),
    path("mypage/messages/", views.message_box, name="messages"),
    path("mypage/faq/", views.faq, name="faq"),
]
