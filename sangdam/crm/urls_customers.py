from django.urls import path

from sangdam.crm import views_customers as views

urlpatterns = [
    path("customers/", views.customer_search, name="customers"),
    path("customers/new/", views.customer_new, name="customer-new"),
    path("customers/<int:pk>/", views.customer_window, name="customer"),
    path("customers/<int:pk>/edit/", views.customer_edit, name="customer-edit"),
    path("customers/<int:pk>/delete/", views.customer_delete, name="customer-delete"),
    path(
        "customers/<int:pk>/tickets/<int:ticket_pk>/consultations/",
        views.add_consultation,
        name="customer-add-consultation",
    ),
    path(
        "customers/<int:pk>/tickets/<int:ticket_pk>/complete/",
        views.complete_case,
        name="customer-complete-case",
    ),
    path(
        "customers/<int:pk>/consultations/<int:note_pk>/edit/",
        views.edit_consultation,
        name="customer-edit-consultation",
    ),
    path(
        "customers/<int:pk>/consultations/<int:note_pk>/delete/",
        views.delete_consultation,
        name="customer-delete-consultation",
    ),
    path(
        "customers/<int:pk>/recalls/complete/",
        views.complete_recalls,
        name="customer-complete-recalls",
    ),
]
