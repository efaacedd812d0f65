"""Gateways' delivery-report callbacks, under /messaging/reports/ (no login; signed)."""

from django.urls import path

from sangdam.messaging import views_reports

urlpatterns = [
    path("reports/kannel", views_reports.kannel_report, name="kannel-report"),
]
