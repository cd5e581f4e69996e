from fangkong.webhooks.tests.receiver import receiver  # noqa: F401 - a fixture
