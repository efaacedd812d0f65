from django.urls import path

from sangdam.crm import views_upload

urlpatterns = [
    path("upload/", views_upload.upload, name="upload"),
    path("upload/template.xlsx", views_upload.template, name="upload-template"),
    path("upload/<int:pk>/", views_upload.upload_detail, name="upload-detail"),
    path("upload/<int:pk>/progress/", views_upload.upload_progress, name="upload-progress"),
    path("upload/<int:pk>/confirm/", views_upload.upload_confirm, name="upload-confirm"),
    path("upload/<int:pk>/discard/", views_upload.upload_discard, name="upload-discard"),
    path("upload/<int:pk>/revise/", views_upload.upload_revise, name="upload-revise"),
    path("upload/<int:pk>/problems.xlsx", views_upload.upload_problems, name="upload-problems"),
]
