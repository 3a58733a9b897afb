from django.contrib import admin

from matchmaker.directory.models import MarketplaceItem, Organisation, Person, Sector


class PersonInline(admin.TabularInline):
    model = Person
    extra = 0
    fields = ["name", "job_title", "email", "user", "membership_confirmed_at"]
    raw_id_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "type", "country", "region"]
    list_filter = ["type", "country"]
    search_fields = ["name", "description"]
    inlines = [PersonInline]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "email", "user", "membership_confirmed_at"]
    search_fields = ["name", "email", "organisation__name"]
    raw_id_fields = ["organisation", "user"]


@admin.register(MarketplaceItem)
class MarketplaceItemAdmin(admin.ModelAdmin):
    list_display = ["title", "organisation", "direction", "kind"]
    list_filter = ["direction", "kind"]


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind"]
