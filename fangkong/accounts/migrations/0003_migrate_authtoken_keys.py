"""Existing DRF tokens (rest_framework.authtoken, no longer installed) become ApiTokens.

Their keys were stored in clear: each is hashed into an ApiToken named "迁移的令牌" that expires
FANGKONG_API_TOKEN_DAYS days from now, so integrations keep working until then, and the clear
keys are deleted from the old table. The old table is read with plain SQL since its app is gone.
"""

import hashlib
from datetime import timedelta

from django.conf import settings
from django.db import migrations
from django.utils import timezone


def forwards(apps, schema_editor):
    connection = schema_editor.connection
    if "authtoken_token" not in connection.introspection.table_names():
        return
    ApiToken = apps.get_model("accounts", "ApiToken")
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute("SELECT key, user_id FROM authtoken_token")
        rows = cursor.fetchall()
    ApiToken.objects.bulk_create(
        ApiToken(
            user_id=user_id,
            name="迁移的令牌",
            key_hash=hashlib.sha256(key.encode()).hexdigest(),
            prefix=key[:8],
            created_at=now,
            expires_at=now + timedelta(days=settings.FANGKONG_API_TOKEN_DAYS),
        )
        for key, user_id in rows
    )
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM authtoken_token")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_apitoken")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
