from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ORG_ADMIN = "ORG_ADMIN", _("Administrator")
    AGENT = "AGENT", _("Agent")
    FAIR_ORGANIZER = "FAIR_ORGANIZER", _("Fair organizer")
    PARTICIPANT = "PARTICIPANT", _("Fair participant")


class ParticipantSide(models.TextChoices):
    BUYER = "BUYER", _("Buyer")
    SELLER = "SELLER", _("Seller")


class LoginKind(models.TextChoices):
    LOGIN = "LOGIN", _("Login")
    LOGOUT = "LOGOUT", _("Logout")


class LoginResult(models.TextChoices):
    SUCCESS = "SUCCESS", _("Success")
    BAD_CREDENTIALS = "BAD_CREDENTIALS", _("Wrong login ID or password")
    UNKNOWN_SERVICE = "UNKNOWN_SERVICE", _("Unknown service name")
    LOCKED = "LOCKED", _("Account locked")
    IP_DENIED = "IP_DENIED", _("IP address not allowed")
    REPLACED = "REPLACED", _("Signed in elsewhere")
    EXPIRED = "EXPIRED", _("Session expired")


class Channel(models.TextChoices):
    WEB = "WEB", _("Web")
    API = "API", _("API")


class WorkScreen(models.TextChoices):
    """Where an audited action happened (the "구분" column of the work history)."""

    ACCOUNTS = "ACCOUNTS", _("Accounts")
    AGENT_GROUPS = "AGENT_GROUPS", _("Agent groups")
    LOGIN_HISTORY = "LOGIN_HISTORY", _("Login history")
    WORK_HISTORY = "WORK_HISTORY", _("Work history")
    ACCESS_CONTROL = "ACCESS_CONTROL", _("Access control")
    ORGANIZATION = "ORGANIZATION", _("Organization")
    FAIRS = "FAIRS", _("Fairs")
    CONSULTATION_TYPES = "CONSULTATION_TYPES", _("Consultation types")
    EXTENSIONS = "EXTENSIONS", _("Extensions")
    CUSTOMERS = "CUSTOMERS", _("Customers")
    CUSTOMER_UPLOAD = "CUSTOMER_UPLOAD", _("Customer upload")
    CONSULTATION_HISTORY = "CONSULTATION_HISTORY", _("Consultation history")
    SMS_TEMPLATES = "SMS_TEMPLATES", _("SMS templates")
    SMS_SETTINGS = "SMS_SETTINGS", _("SMS settings")
    SMS_OPT_OUTS = "SMS_OPT_OUTS", _("080 opt-out list")
    SMS_HISTORY = "SMS_HISTORY", _("SMS history")


class WorkAction(models.TextChoices):
    VIEW = "VIEW", _("View")
    CREATE = "CREATE", _("Create")
    UPDATE = "UPDATE", _("Update")
    DELETE = "DELETE", _("Delete")
    EXPORT = "EXPORT", _("Excel download")
    UNLOCK = "UNLOCK", _("Unlock")
    RESET_PASSWORD = "RESET_PASSWORD", _("Password reset")


class WorkResult(models.TextChoices):
    SUCCESS = "SUCCESS", _("Success")
    FAILURE = "FAILURE", _("Failure")
