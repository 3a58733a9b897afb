from django.core.management.base import BaseCommand

from matchmaker.demo import services


class Command(BaseCommand):
    help = "Load the demo scenarios (idempotent; --reset rebuilds them)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset", action="store_true", help="Delete and rebuild the demo events."
        )

    def handle(self, *args, reset: bool = False, **options):
        services.ensure_admin()
        for name, loader in services.SCENARIOS.items():
            event = loader(reset=reset)
            self.stdout.write(
                f"Scenario {name}: {event.name} ({event.participants.count()} participants)"
            )
        self.stdout.write("Demo logins:")
        for role, email, password in services.demo_logins():
            self.stdout.write(f"  {role:<14} {email}  /  {password}")
