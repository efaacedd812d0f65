from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FairsConfig(AppConfig):
    name = "sangdam.fairs"
    label = "fairs"
    verbose_name = _("Fairs")

    def ready(self) -> None:
        from sangdam.accounts.enums import Role  # noqa: PLC0415 -- app ready
        from sangdam.core.navigation import NavItem, register  # noqa: PLC0415 -- app ready

        organizer = frozenset({Role.FAIR_ORGANIZER.value})
        participant = frozenset({Role.PARTICIPANT.value})
        fairs = _("Fairs")
        mine = _("My consultation info")
        register(
            NavItem(_("Events"), "fairs:events", "calendar-event", organizer, fairs, 10),
            NavItem(_("My page"), "fairs:mypage", "house", participant, mine, 10),
            NavItem(
                _("Participation info"), "fairs:participation", "building", participant, mine, 20
            ),
            NavItem(
                _("Available times"), "fairs:availability", "calendar-check", participant, mine, 30
            ),
            NavItem(_("Meeting request"), "fairs:counterparts", "search", participant, mine, 40),
            NavItem(_("Request status"), "fairs:requests", "list-check", participant, mine, 50),
            NavItem(_("Matching results"), "fairs:results", "calendar3", participant, mine, 60),
            NavItem(_("Message box"), "fairs:messages", "envelope", participant, mine, 70),
            NavItem(_("FAQ"), "fairs:faq", "question-circle", participant, mine, 80),
        )
