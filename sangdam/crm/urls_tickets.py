"""The ticket pages under /crm/: the CS등록 form (ticketform helper) and the work lists."""

from __future__ import annotations

from django.urls import URLPattern, path

from sangdam.crm import views_tickets

urlpatterns: list[URLPattern] = [
    # --- the ticket form (CS등록) ---
    path("tickets/new/", views_tickets.ticket_new, name="ticket-new"),
    path("tickets/<int:pk>/", views_tickets.ticket, name="ticket"),
    path(
        "tickets/<int:pk>/consultations/",
        views_tickets.add_consultation,
        name="ticket-consultation",
    ),
    path("tickets/type-options/", views_tickets.type_options, name="ticket-type-options"),
    path("tickets/customer-lookup/", views_tickets.customer_lookup, name="ticket-customer-lookup"),
    path("tickets/customer-panel/", views_tickets.customer_panel, name="ticket-customer-panel"),
]

# --- work lists (worklists helper) ---
# The worklists helper appends its patterns below this line (urlpatterns += [...]).
from sangdam.crm import views_lists  # noqa: E402 -- kept inside this helper's section

urlpatterns += [
    path("queues/", views_lists.queue_page, name="queues"),
    path("incomplete/", views_lists.incomplete_page, name="incomplete"),
    path(
        "incomplete/<int:pk>/complete/",
        views_lists.incomplete_complete,
        name="incomplete-complete",
    ),
    path("recalls/", views_lists.recalls_page, name="recalls"),
    path("recalls/complete/", views_lists.recalls_complete, name="recalls-complete"),
    path("drafts/", views_lists.drafts_page, name="drafts"),
    path("recent-transfers/", views_lists.recent_transfers_page, name="recent-transfers"),
    path("history/all/", views_lists.all_history_page, name="all-history"),
]
