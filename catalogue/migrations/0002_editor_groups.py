"""The two editor groups every environment needs: Editors and Chief editors."""

from django.db import migrations

# Editors add and change entries and their parts, and may remove the parts of an
# entry (a credit from a song, a member from a group, a listen link); they never
# delete a work, song or performer. Chief editors may also delete.
ENTRIES = ["work", "song", "performer"]
PARTS = ["credit", "membership", "milestone", "listenlink"]
REFERENCES = ["source", "network"]
HISTORY = ["historicalwork", "historicalsong", "historicalperformer", "historicalcredit", "historicalmembership"]


def editor_codenames():
    codenames = []
    for model in ENTRIES + REFERENCES:
        codenames += [f"view_{model}", f"add_{model}", f"change_{model}"]
    for model in PARTS:
        codenames += [f"view_{model}", f"add_{model}", f"change_{model}", f"delete_{model}"]
    codenames += [f"view_{model}" for model in HISTORY]
    return codenames


def chief_codenames():
    return editor_codenames() + [f"delete_{model}" for model in ENTRIES + REFERENCES]


def create_groups(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations run; make sure they exist now.
    for app_config in apps.get_app_configs():
        models_module = getattr(app_config, "models_module", None)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = models_module

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in (("Editors", editor_codenames()), ("Chief editors", chief_codenames())):
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(Permission.objects.filter(content_type__app_label="catalogue", codename__in=codenames))


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Editors", "Chief editors"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("catalogue", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
