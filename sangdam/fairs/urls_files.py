"""Files in and out of a fair: import, exports, printable timetables, iCal ("fairs" namespace)."""

from django.urls import URLPattern, path

from sangdam.fairs import views_files as views

_EVENT = "organizer/events/<int:event_id>/"

urlpatterns: list[URLPattern] = [
    path(f"{_EVENT}import/", views.import_participants, name="import-participants"),
    path(f"{_EVENT}import/template.xlsx", views.import_template, name="import-template"),
    path(f"{_EVENT}export/schedule.xlsx", views.export_schedule, name="export-schedule"),
    path(f"{_EVENT}export/reports.xlsx", views.export_reports, name="export-reports"),
    path(f"{_EVENT}reports/", views.reports, name="reports"),
    path(f"{_EVENT}print/participants/", views.print_all, name="print-all"),
    path(
        f"{_EVENT}print/participants/<int:participant_id>/",
        views.print_participant,
        name="print-participant",
    ),
    path(f"{_EVENT}print/tables/<str:table>/", views.print_table, name="print-table"),
    path("fairs/calendar/<str:token>.ics", views.calendar_feed, name="calendar-feed"),
    path("mypage/calendar.ics", views.my_calendar, name="my-calendar"),
    path("mypage/results/print/", views.my_timetable_print, name="my-timetable-print"),
]
