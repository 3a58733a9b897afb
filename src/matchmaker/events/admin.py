from django.contrib import admin

from matchmaker.events.models import (
    Event,
    Participant,
    ParticipantCategory,
    ProgrammeItem,
    RegistrationQuestion,
    TeamMember,
    Venue,
)


class CategoryInline(admin.TabularInline):
    model = ParticipantCategory
    extra = 0


class TeamInline(admin.TabularInline):
    model = TeamMember
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "format", "start_date", "is_published"]
    list_filter = ["kind", "format", "is_published"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [CategoryInline, TeamInline]


@admin.register(Participant)
class ParticipantAdmin(admin.ModelAdmin):
    list_display = ["person", "event", "category", "status"]
    list_filter = ["status", "event"]
    raw_id_fields = ["person"]


admin.site.register(ProgrammeItem)
admin.site.register(RegistrationQuestion)
admin.site.register(Venue)
