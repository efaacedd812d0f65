"""Load the demo data of every app (idempotent): each app may provide ``<app>/demo.py``."""

from __future__ import annotations

from importlib import import_module
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Create or refresh the demo organizations, accounts and data of every feature."

    def handle(self, *args: Any, **options: Any) -> None:
        for app_config in apps.get_app_configs():
            if not app_config.name.startswith("sangdam."):
                continue
            module_name = f"{app_config.name}.demo"
            try:
                module = import_module(module_name)
            except ModuleNotFoundError as error:
                if error.name == module_name:
                    continue
                raise
            module.load_demo(self.stdout)
