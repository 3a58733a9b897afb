from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from matchmaker.core.models import OutboxMessage

BODY_FIELDS = ("body", "html_body")


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ["created_at", "subject", "status", "attempts", "sent_at", "sensitive"]
    list_filter = ["status", "sensitive"]
    search_fields = ["subject", "to"]
    readonly_fields = [f.name for f in OutboxMessage._meta.fields] + ["shown_body"]

    def get_fields(self, request, obj=None):
        fields = [f.name for f in OutboxMessage._meta.fields if f.name != "id"]
        if obj is not None and obj.sensitive:
            # a sign-in link must not be readable here, not even while the message waits
            at = fields.index("body")
            fields = [f for f in fields if f not in BODY_FIELDS]
            fields.insert(at, "shown_body")
        return fields

    @admin.display(description=_("Body"))
    def shown_body(self, obj):
        return obj.shown_body
