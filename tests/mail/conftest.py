import pytest


@pytest.fixture
def app_config(app_config):
    """The mail viewer exists only while mail is kept, i.e. when MAIL_URL is unset."""
    return {**app_config, "MAIL_URL": ""}
