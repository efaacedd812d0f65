from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

# SPEC G-PL-06: 2-20 letters, digits and hyphens; used at every login, so kept short.
service_name_validator = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9-]{1,19}$",
    _("Use 2 to 20 letters, digits or hyphens, starting with a letter or digit."),
)


class Organization(models.Model):
    """A tenant: one customer of the platform, with its own users and data."""

    # The name people type at login (서비스명). Unique ignoring case, never changed once set.
    service_name = models.CharField(
        _("service name"), max_length=20, validators=[service_name_validator]
    )
    name = models.CharField(_("organization name"), max_length=100)
    licensed_agents = models.PositiveIntegerField(_("licensed agents"), default=0)
    contract_starts_on = models.DateField(_("contract start"), null=True, blank=True)
    contract_ends_on = models.DateField(_("contract end"), null=True, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    # SPEC G-CC-02: 4 digits for PBX tenants (002/003), 5 for cloud DNs (004).
    extension_length = models.PositiveSmallIntegerField(
        _("extension length"), default=4, validators=[MinValueValidator(2), MaxValueValidator(5)]
    )
    # The zone of "today" in the tenant's messages and lists ({오늘날짜}); an IANA name.
    time_zone = models.CharField(_("time zone"), max_length=40, default="Asia/Seoul")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        constraints = [
            models.UniqueConstraint(Lower("service_name"), name="organization_service_name_unique"),
        ]

    def __str__(self) -> str:
        return self.service_name
