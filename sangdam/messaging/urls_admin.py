"""The messaging administration pages under /messaging/ and the customer window's 문자 tab."""

from __future__ import annotations

from django.urls import URLPattern, path

from sangdam.messaging import views_admin

urlpatterns: list[URLPattern] = [
    path("templates/", views_admin.template_list, name="templates"),
    path("templates/<int:pk>/", views_admin.template_edit, name="template-edit"),
    path("templates/<int:pk>/delete/", views_admin.template_delete, name="template-delete"),
    path("settings/", views_admin.settings_page, name="settings"),
    path("opt-outs/", views_admin.opt_out_list, name="opt-outs"),
    path("opt-outs/paste/", views_admin.opt_out_paste, name="opt-outs-paste"),
    path("opt-outs/remove/", views_admin.opt_out_remove, name="opt-outs-remove"),
    path("history/", views_admin.history_list, name="history"),
    path("history/export/", views_admin.history_export, name="history-export"),
    path("scheduled/", views_admin.scheduled_list, name="scheduled"),
    path("scheduled/cancel/", views_admin.scheduled_cancel, name="scheduled-cancel"),
    path(
        "customers/<int:pk>/messages/",
        views_admin.customer_messages,
        name="customer-messages",
    ),
]
