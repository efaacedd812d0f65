"""문자 발송 (the composer and its sources of recipients) and the page of one send job."""

from django.urls import path

from sangdam.messaging import views_compose as views

urlpatterns = [
    path("compose/", views.compose, name="compose"),
    path("compose/number/", views.add_number, name="compose-number"),
    path("compose/paste/", views.add_pasted, name="compose-paste"),
    path("compose/search/", views.search, name="compose-search"),
    path("compose/blocks/", views.blocks, name="compose-blocks"),
    path("compose/residents/", views.add_residents, name="compose-residents"),
    path("compose/excel/", views.excel_upload, name="compose-excel"),
    path("compose/excel/sample/", views.excel_sample, name="compose-excel-sample"),
    path("compose/excel/read/", views.excel_read, name="compose-excel-read"),
    path("jobs/<int:pk>/", views.job_detail, name="job"),
    path("jobs/<int:pk>/live/", views.job_live, name="job-live"),
    path("jobs/<int:pk>/cancel/", views.job_cancel, name="job-cancel"),
    path("jobs/<int:pk>/image/", views.job_image, name="job-image"),
]
