import pytest


@pytest.fixture
def database_url(sqlite_url):
    """The SMS channel's outcomes do not depend on the database engine: SQLite only."""
    return sqlite_url


@pytest.fixture
def app_config(app_config, smsc):
    smsc.reset()
    return {**app_config, "SMS_URL": smsc.url()}


@pytest.fixture(autouse=True)
def daytime():
    """Quiet hours hold texts queued between 20:00 and 08:00 in Paris: the tests run at 11:00 UTC of
    today, with a clock that keeps ticking (tests that need another time freeze it themselves)."""
    from fair.clock import set_clock
    from fair.db import utcnow

    real = utcnow()
    offset = real.replace(hour=11, minute=0, second=0, microsecond=0) - real
    set_clock(lambda: utcnow() + offset)
    yield
    set_clock(None)
