from django.urls import include, path

app_name = "crm"

urlpatterns = [
    path("crm/", include("sangdam.crm.urls_customers")),
    path("crm/", include("sangdam.crm.urls_tickets")),
    path("crm/", include("sangdam.crm.urls_admin")),
    path("crm/", include("sangdam.crm.urls_upload")),
]
