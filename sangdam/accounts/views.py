from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from sangdam.accounts import queries, services
from sangdam.accounts.access import AuthenticatedRequest, actor_of, role_required, signed_in
from sangdam.accounts.enums import Channel, Role, WorkAction
from sangdam.accounts.forms import (
    AccountForm,
    AdminNetworksForm,
    AgentGroupForm,
    LoginForm,
    LoginHistoryFilterForm,
    OrganizationTimeZoneForm,
    PasswordChangeForm,
    PasswordResetForm,
    PeriodForm,
    ProfileForm,
    WorkHistoryFilterForm,
)
from sangdam.accounts.models import User
from sangdam.core.errors import InvalidInput, SangdamError
from sangdam.core.excel import xlsx_response
from sangdam.core.http import client_ip, page_of, user_agent
from sangdam.core.views import flash_form_errors

SAVED_LOGIN_COOKIE = "sangdam_saved_login"
HOME_BY_ROLE = {
    Role.ORG_ADMIN: "accounts:admin-home",
    Role.AGENT: "accounts:agent-home",
    Role.FAIR_ORGANIZER: "fairs:events",
    Role.PARTICIPANT: "fairs:mypage",
}
admin_only = role_required(Role.ORG_ADMIN)


# Signing in and out


def login_view(request: HttpRequest) -> HttpResponse:
    if isinstance(request.user, User):
        return redirect("home")
    saved_service, _sep, saved_login = request.COOKIES.get(SAVED_LOGIN_COOKIE, "").partition("|")
    form = LoginForm(
        request.POST or None,
        initial={
            "service_name": saved_service,
            "username": saved_login,
            "remember": bool(saved_login),
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.log_in(
                service_name=data["service_name"],
                login_id=data["username"],
                password=data["password"],
                ip=client_ip(request),
                user_agent=user_agent(request),
                channel=Channel.WEB,
                now=timezone.now(),
            )
        except services.LoginRefused as error:
            messages.error(request, error.message)
        else:
            login(request, user, backend="sangdam.accounts.backends.OrganizationLoginBackend")
            services.claim_session(user=user, session_key=request.session.session_key or "")
            response = redirect(_safe_next(request) or reverse("home"))
            if data["remember"]:
                response.set_cookie(
                    SAVED_LOGIN_COOKIE,
                    f"{data['service_name']}|{data['username']}",
                    max_age=365 * 24 * 3600,
                    samesite="Lax",
                    httponly=True,
                )
            else:
                response.delete_cookie(SAVED_LOGIN_COOKIE)
            response.set_cookie(settings.LANGUAGE_COOKIE_NAME, user.language, samesite="Lax")
            return response
    elif request.method == "POST":
        flash_form_errors(request, form)
    return render(request, "accounts/login.html", {"form": form})


def _safe_next(request: HttpRequest) -> str:
    from django.utils.http import url_has_allowed_host_and_scheme  # noqa: PLC0415

    target = request.GET.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return ""


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if isinstance(request.user, User):
        services.record_logout(
            user=request.user,
            ip=client_ip(request),
            user_agent=user_agent(request),
            channel=Channel.WEB,
            now=timezone.now(),
        )
    logout(request)
    messages.success(request, _("You have signed out."))
    return redirect("accounts:login")


def set_language(request: HttpRequest) -> HttpResponse:
    """Switch the interface language; a signed-in user keeps the choice on every device."""
    language = request.POST.get("language", "")
    if (
        request.method == "POST"
        and isinstance(request.user, User)
        and language in {code for code, _name in settings.LANGUAGES}
    ):
        request.user.language = language
        request.user.save(update_fields=["language"])
    return django_set_language(request)


@signed_in
def home(request: AuthenticatedRequest) -> HttpResponse:
    return redirect(HOME_BY_ROLE[Role(request.user.role)])


# Role home pages


@admin_only
def admin_home(request: AuthenticatedRequest) -> HttpResponse:
    summary = queries.admin_summary(request.user.organization, timezone.now())
    return render(request, "accounts/admin_home.html", {"summary": summary})


@role_required(Role.AGENT)
def agent_home(request: AuthenticatedRequest) -> HttpResponse:
    return render(request, "accounts/agent_home.html", {})


# One's own account


@signed_in
def profile(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    form = ProfileForm(
        request.POST or None,
        initial={
            "name": user.name,
            "email": user.email,
            "language": user.language,
            "time_zone": user.time_zone,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_profile(user=user, **form.cleaned_data)
        except InvalidInput as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Your account information was saved."))
            response = redirect("accounts:profile")
            response.set_cookie(settings.LANGUAGE_COOKIE_NAME, user.language, samesite="Lax")
            return response
    if request.method == "POST":
        flash_form_errors(request, form)
    return render(request, "accounts/profile.html", {"form": form})


@signed_in
def password_change(request: AuthenticatedRequest) -> HttpResponse:
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.change_own_password(
                user=request.user,
                current_password=form.cleaned_data["current_password"],
                new_password=form.cleaned_data["new_password"],
            )
        except InvalidInput as error:
            form.add_service_errors(error)
        else:
            update_session_auth_hash(request, request.user)
            services.claim_session(user=request.user, session_key=request.session.session_key or "")
            messages.success(request, _("Your password was changed."))
            return redirect("home")
    if request.method == "POST":
        flash_form_errors(request, form)
    return render(request, "accounts/password_change.html", {"form": form})


# Administration: accounts


@admin_only
def account_list(request: AuthenticatedRequest) -> HttpResponse:
    role = request.GET.get("role", "")
    if role not in Role.values:
        role = ""
    search = request.GET.get("q", "").strip()[:50]
    users = queries.accounts(actor=actor_of(request), role=role, search=search)
    return render(
        request,
        "accounts/account_list.html",
        {
            "page": page_of(request, users),
            "role": role,
            "search": search,
            "roles": Role.choices,
            "licenses": queries.license_usage(request.user.organization),
            "now": timezone.now(),
        },
    )


@admin_only
def account_create(request: AuthenticatedRequest) -> HttpResponse:
    form = AccountForm(request.POST or None, initial={"role": request.GET.get("role", Role.AGENT)})
    if request.method == "POST" and form.is_valid():
        try:
            issued = services.issue_account(
                actor=actor_of(request),
                username=form.cleaned_data["username"],
                fields=form.account_fields(),
                password=form.cleaned_data["password"],
            )
        except InvalidInput as error:
            form.add_service_errors(error)
        except SangdamError as error:
            messages.error(request, error.message)
        else:
            _announce_issued(request, issued, created=True)
            return redirect("accounts:account-list")
    if request.method == "POST":
        flash_form_errors(request, form)
    return render(
        request,
        "accounts/account_form.html",
        {"form": form, "licenses": queries.license_usage(request.user.organization)},
    )


@admin_only
def account_edit(request: AuthenticatedRequest, user_id: int) -> HttpResponse:
    account = queries.account(user_id)
    if account is None:
        return _missing(request)
    initial = {
        "role": account.role,
        "username": account.username,
        "name": account.name,
        "email": account.email,
        "participant_side": account.participant_side,
        "extension": account.extension,
        "group": account.group_id,
        "can_edit_consultations": account.can_edit_consultations,
        "can_export": account.can_export,
        "can_upload_customers": account.can_upload_customers,
    }
    form = AccountForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_account(
                actor=actor_of(request), user_id=account.pk, fields=form.account_fields()
            )
        except InvalidInput as error:
            form.add_service_errors(error)
        except SangdamError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, _("The account %(login)s was saved.") % {"login": account.username}
            )
            return redirect("accounts:account-list")
    if request.method == "POST":
        flash_form_errors(request, form)
    return render(
        request,
        "accounts/account_form.html",
        {
            "form": form,
            "account": account,
            "reset_form": PasswordResetForm(),
            "now": timezone.now(),
            "licenses": queries.license_usage(request.user.organization),
        },
    )


@admin_only
@require_POST
def account_delete(request: AuthenticatedRequest, user_id: int) -> HttpResponse:
    try:
        services.delete_account(actor=actor_of(request), user_id=user_id)
    except SangdamError as error:
        messages.error(request, error.message)
        return redirect("accounts:account-edit", user_id=user_id)
    messages.success(request, _("The account was deleted. Its history is kept."))
    return redirect("accounts:account-list")


@admin_only
@require_POST
def account_unlock(request: AuthenticatedRequest, user_id: int) -> HttpResponse:
    try:
        account = services.unlock_account(actor=actor_of(request), user_id=user_id)
    except SangdamError as error:
        messages.error(request, error.message)
        return redirect("accounts:account-list")
    messages.success(request, _("%(login)s was unlocked.") % {"login": account.username})
    return redirect("accounts:account-edit", user_id=user_id)


@admin_only
@require_POST
def account_reset_password(request: AuthenticatedRequest, user_id: int) -> HttpResponse:
    form = PasswordResetForm(request.POST)
    form.is_valid()
    try:
        issued = services.reset_password(
            actor=actor_of(request),
            user_id=user_id,
            password=form.cleaned_data.get("password", ""),
        )
    except SangdamError as error:
        messages.error(request, error.message)
        return redirect("accounts:account-edit", user_id=user_id)
    _announce_issued(request, issued, created=False)
    return redirect("accounts:account-edit", user_id=user_id)


def _announce_issued(
    request: HttpRequest, issued: services.IssuedAccount, *, created: bool
) -> None:
    values = {"login": issued.user.username, "password": issued.generated_password}
    if issued.generated_password:
        text = (
            _("Account %(login)s was issued. Initial password: %(password)s (shown only once).")
            if created
            else _("New initial password for %(login)s: %(password)s (shown only once).")
        )
    else:
        text = (
            _("Account %(login)s was issued with the password you entered.")
            if created
            else _("The password of %(login)s was reset to the one you entered.")
        )
    messages.success(request, text % values)


# Administration: agent groups


@admin_only
def agent_groups(request: AuthenticatedRequest) -> HttpResponse:
    form = AgentGroupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.create_agent_group(actor=actor_of(request), name=form.cleaned_data["name"])
        except InvalidInput as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("The group was added."))
            return redirect("accounts:agent-groups")
    if request.method == "POST":
        flash_form_errors(request, form)
    groups = queries.agent_groups()
    return render(request, "accounts/agent_groups.html", {"form": form, "groups": groups})


@admin_only
@require_POST
def agent_group_rename(request: AuthenticatedRequest, group_id: int) -> HttpResponse:
    try:
        services.rename_agent_group(
            actor=actor_of(request), group_id=group_id, name=request.POST.get("name", "")
        )
    except SangdamError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The group was renamed."))
    return redirect("accounts:agent-groups")


@admin_only
@require_POST
def agent_group_delete(request: AuthenticatedRequest, group_id: int) -> HttpResponse:
    try:
        services.delete_agent_group(actor=actor_of(request), group_id=group_id)
    except SangdamError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The group was deleted."))
    return redirect("accounts:agent-groups")


# Administration: histories


def _period_initial(days: int = 7) -> dict[str, Any]:
    period = queries.Period.last_days(days, timezone.localdate())
    return {"date_from": period.first_day, "date_to": period.last_day}


def _history_page(
    request: AuthenticatedRequest,
    form_class: type[PeriodForm],
    run_query: Callable[..., QuerySet[Any]],
    template: str,
    to_xlsx: Callable[[QuerySet[Any]], HttpResponse],
) -> HttpResponse:
    """A history list filtered by period and more; `?export=xlsx` downloads it (audited)."""
    form = form_class(
        request.GET if "date_from" in request.GET else None, initial=_period_initial()
    )
    period = queries.Period.last_days(7, timezone.localdate())
    filters: dict[str, str] = {}
    if form.is_bound:
        if form.is_valid():
            try:
                period, filters = form.period(), form.filters()
            except InvalidInput as error:
                form.add_service_errors(error)
        if form.errors:
            flash_form_errors(request, form)
    exporting = request.GET.get("export") == "xlsx"
    events = run_query(
        actor=actor_of(request),
        period=period,
        audit_action=WorkAction.EXPORT if exporting else WorkAction.VIEW,
        **filters,
    )
    if exporting:
        return to_xlsx(events)
    return render(request, template, {"form": form, "page": page_of(request, events)})


@admin_only
def login_history(request: AuthenticatedRequest) -> HttpResponse:
    return _history_page(
        request,
        LoginHistoryFilterForm,
        queries.login_events,
        "accounts/login_history.html",
        _login_history_xlsx,
    )


def _login_history_xlsx(events: Any) -> HttpResponse:
    headers = [
        _("Date"),
        _("Time"),
        _("Login ID"),
        _("Name"),
        _("Kind"),
        _("Result"),
        _("Platform"),
        _("Client"),
        _("IP address"),
        _("Extension"),
    ]
    rows = []
    for event in events:
        at = timezone.localtime(event.occurred_at)
        rows.append(
            [
                at.strftime("%Y-%m-%d"),
                at.strftime("%H:%M:%S"),
                event.login_id,
                event.user.name if event.user else "",
                event.get_kind_display(),
                event.get_result_display(),
                event.platform,
                event.user_agent,
                event.ip or "",
                event.extension,
            ]
        )
    return xlsx_response(f"{_('Login history')}.xlsx", _("Login history"), headers, rows)


@admin_only
def work_history(request: AuthenticatedRequest) -> HttpResponse:
    return _history_page(
        request,
        WorkHistoryFilterForm,
        queries.work_events,
        "accounts/work_history.html",
        _work_history_xlsx,
    )


def _work_history_xlsx(events: Any) -> HttpResponse:
    headers = [
        _("Start date"),
        _("Start time"),
        _("End date"),
        _("End time"),
        _("Screen"),
        _("Action"),
        _("Result"),
        _("Actor"),
        _("IP address"),
        _("Detail"),
    ]
    rows = []
    for event in events:
        started = timezone.localtime(event.started_at)
        ended = timezone.localtime(event.ended_at)
        rows.append(
            [
                started.strftime("%Y-%m-%d"),
                started.strftime("%H:%M:%S"),
                ended.strftime("%Y-%m-%d"),
                ended.strftime("%H:%M:%S"),
                event.get_screen_display(),
                event.get_action_display(),
                event.get_result_display(),
                event.actor_label,
                event.ip or "",
                event.detail,
            ]
        )
    return xlsx_response(f"{_('Work history')}.xlsx", _("Work history"), headers, rows)


# Administration: access control and organization


@admin_only
def access_control(request: AuthenticatedRequest) -> HttpResponse:
    form = AdminNetworksForm(request.POST if request.method == "POST" else None)
    rows = [{"network": n.network, "memo": n.memo} for n in queries.admin_networks()]
    if request.method == "POST":
        rows = [{"network": e.network, "memo": e.memo} for e in form.entries]
        try:
            services.replace_admin_networks(actor=actor_of(request), entries=form.entries)
        except InvalidInput as error:
            for messages_of_field in error.errors.values():
                for message in messages_of_field:
                    messages.error(request, message)
        else:
            messages.success(
                request,
                _("The access list was applied.")
                if form.entries
                else _("The access list is empty: administrators may work from any IP address."),
            )
            return redirect("accounts:access-control")
    return render(
        request,
        "accounts/access_control.html",
        {"rows": rows, "current_ip": client_ip(request)},
    )


@admin_only
def organization_info(request: AuthenticatedRequest) -> HttpResponse:
    organization = request.user.organization
    assert organization is not None
    form = OrganizationTimeZoneForm(
        request.POST or None, initial={"time_zone": organization.time_zone}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.set_organization_time_zone(
                actor=actor_of(request), time_zone=form.cleaned_data["time_zone"]
            )
        except InvalidInput as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("The organization's time zone was saved."))
            return redirect("accounts:organization")
    return render(
        request,
        "accounts/organization.html",
        {
            "organization": organization,
            "licenses": queries.license_usage(organization),
            "zone_form": form,
        },
    )


def _missing(request: HttpRequest) -> HttpResponse:
    from sangdam.accounts.access import refusal  # noqa: PLC0415

    return refusal(request, _("That account does not exist."), status=404)
