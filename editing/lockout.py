"""Admin login lockout (django-axes)."""

from axes.backends import AxesStandaloneBackend


class LockoutBackend(AxesStandaloneBackend):
    """axes' standalone backend. Every login form passes the request, so axes sees
    every web login attempt; ``Client.login()`` in tests passes none, and axes would
    refuse it outright, so such calls are left to the next backend."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
