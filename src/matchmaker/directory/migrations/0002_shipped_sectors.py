from django.db import migrations


def add_sectors(apps, schema_editor):
    from matchmaker.directory.taxonomy import all_sectors

    Sector = apps.get_model("directory", "Sector")
    existing = set(Sector.objects.values_list("code", flat=True))
    Sector.objects.bulk_create(
        [Sector(code=code, name=name, kind=kind) for code, name, kind in all_sectors() if code not in existing]
    )


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_initial")]
    operations = [migrations.RunPython(add_sectors, migrations.RunPython.noop)]
