from django.db import migrations

REASONS = [
    ("completed", "Completed", "Terminé", "Voltooid"),
    ("released", "Released", "Libéré·e", "Vrijgelaten"),
    ("transferred", "Transferred to another prison", "Transféré·e vers une autre prison", "Overgeplaatst naar een andere gevangenis"),
    ("withdrew", "Withdrew (own request)", "Abandon (à sa demande)", "Afgehaakt (eigen verzoek)"),
    ("withdrawn_by_coordinator", "Withdrawn by the coordinator", "Retiré·e par le coordinateur", "Uitgeschreven door de coördinator"),
    ("health", "Health", "Santé", "Gezondheid"),
    ("security", "Security / sanction", "Sécurité / sanction", "Veiligheid / sanctie"),
    ("clash_work_training", "Clash with work or training", "Conflit avec le travail ou une formation", "Overlapt met werk of opleiding"),
    ("other", "Other", "Autre", "Andere"),
]


def seed(apps, schema_editor):
    LeavingReason = apps.get_model("enrolment", "LeavingReason")
    for position, (code, en, fr, nl) in enumerate(REASONS, start=1):
        LeavingReason.objects.update_or_create(
            code=code, defaults={"label_en": en, "label_fr": fr, "label_nl": nl, "position": position * 10}
        )


def unseed(apps, schema_editor):
    apps.get_model("enrolment", "LeavingReason").objects.filter(code__in=[r[0] for r in REASONS]).delete()


class Migration(migrations.Migration):
    dependencies = [("enrolment", "0003_application_fields_leaving_reasons_places")]
    operations = [migrations.RunPython(seed, unseed)]
