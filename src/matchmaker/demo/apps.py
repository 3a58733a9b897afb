from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "matchmaker.demo"
    label = "demo"
