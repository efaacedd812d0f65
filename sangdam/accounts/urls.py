from django.urls import path

from sangdam.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("account/", views.profile, name="profile"),
    path("account/password/", views.password_change, name="password"),
    path("manage/", views.admin_home, name="admin-home"),
    path("manage/accounts/", views.account_list, name="account-list"),
    path("manage/accounts/new/", views.account_create, name="account-create"),
    path("manage/accounts/<int:user_id>/", views.account_edit, name="account-edit"),
    path("manage/accounts/<int:user_id>/delete/", views.account_delete, name="account-delete"),
    path("manage/accounts/<int:user_id>/unlock/", views.account_unlock, name="account-unlock"),
    path(
        "manage/accounts/<int:user_id>/reset-password/",
        views.account_reset_password,
        name="account-reset-password",
    ),
    path("manage/groups/", views.agent_groups, name="agent-groups"),
    path(
        "manage/groups/<int:group_id>/rename/", views.agent_group_rename, name="agent-group-rename"
    ),
    path(
        "manage/groups/<int:group_id>/delete/", views.agent_group_delete, name="agent-group-delete"
    ),
    path("manage/login-history/", views.login_history, name="login-history"),
    path("manage/work-history/", views.work_history, name="work-history"),
    path("manage/access/", views.access_control, name="access-control"),
    path("manage/organization/", views.organization_info, name="organization"),
    path("agent/", views.agent_home, name="agent-home"),
]
