import pytest


@pytest.fixture(scope="session")
def production_static(tmp_path_factory):
    """collectstatic once per run, into a private directory, as a deploy would."""
    from tests.ostsite.live import collectstatic

    root = tmp_path_factory.mktemp("staticfiles")
    collectstatic(root)
    return root
