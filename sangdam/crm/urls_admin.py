"""The contact-center administration pages under /crm/ (types, extensions, history)."""

from __future__ import annotations

from django.urls import URLPattern, path

from sangdam.crm import views_admin

urlpatterns: list[URLPattern] = [
    path("types/", views_admin.type_list, name="types"),
    path("types/<int:pk>/edit/", views_admin.type_edit, name="type-edit"),
    path("types/<int:pk>/delete/", views_admin.type_delete, name="type-delete"),
    path("extensions/", views_admin.extension_list, name="extensions"),
    path("extensions/<int:user_id>/", views_admin.extension_set, name="extension-set"),
    path("history/", views_admin.history_list, name="history"),
    path("history/export/", views_admin.history_export, name="history-export"),
    path("history/<int:pk>/", views_admin.history_ticket, name="history-ticket"),
]
