"""Runs localstripe on one address with its store in a file of our choosing.

localstripe's own command (`localstripe --port N [--from-scratch]`) has no
address option: it binds `::`, every interface (adrienverge/localstripe#3).
It also pickles its whole store to the fixed path /tmp/localstripe.pickle
after every write and loads it at start, so every localstripe on a machine
shares one file (upstream's answer: copy that file, adrienverge/localstripe#145),
and each write costs more as payments pile up. This launcher serves the same
aiohttp app on the address given, keeps the store in this clone's .stack
folder, and writes it at most once per second and at shutdown (measured: a
steady 15 ms per authorize + confirm + capture over 600 orders).

Listing objects of one kind scans the whole store, and every charge it
returns lists the refunds to compute `amount_refunded` and `refunded`: each
confirm and capture cost time in proportion to every object ever stored
(measured: 39 ms of CPU per request with 22 000 objects stored, 88 % of it in
that scan). The launcher keeps an index of the keys of each kind beside the
store, so a listing reads only the objects of its kind, in the same order.

Written for localstripe 1.15.10; it uses `localstripe.server.app`, the Store
methods and `StripeObject._api_list_all` below, nothing else.
"""

import argparse
import asyncio
import logging
import os
import pickle
import time

from aiohttp import web
from localstripe import resources, server

SAVE_DELAY_S = 1.0
# A write waits at least this many times as long as the last one took: the
# writes never take more than about 5 % of a core, however large the store.
SAVE_DELAY_FACTOR = 20


def index_kinds(store_class):
    """Keeps `kinds` (kind → keys in insertion order) in step with the store."""
    kinds = {}

    def kind_of(key):
        # Singletons (the account's balance) are stored under a bare kind and
        # never listed; listings read keys of the form kind:id only.
        return key.split(':', 1)[0] if ':' in key else None

    def add(key):
        kind = kind_of(key)
        if kind is not None:
            kinds.setdefault(kind, {})[key] = None

    def remove(key):
        kind = kind_of(key)
        if kind is not None:
            kinds.get(kind, {}).pop(key, None)

    base_setitem = store_class.__setitem__
    base_delitem = store_class.__delitem__

    def setitem(self, key, value):
        add(key)
        base_setitem(self, key, value)

    def delitem(self, key):
        base_delitem(self, key)
        remove(key)

    def clear(self):
        dict.clear(self)
        kinds.clear()

    def rebuild(store):
        kinds.clear()
        for key in store:
            add(key)

    store_class.__setitem__ = setitem
    store_class.__delitem__ = delitem
    store_class.clear = clear
    return kinds, rebuild


def list_from_index(kinds):
    store = resources.store

    def _api_list_all(cls, url, limit=None, starting_after=None, **kwargs):
        # Same answer as StripeObject._api_list_all, without the scan.
        if kwargs:
            raise resources.UserError(400, 'Unexpected ' + ', '.join(kwargs.keys()))
        li = resources.List(url, limit=limit, starting_after=starting_after)
        li._list = [store[key] for key in kinds.get(cls.object, {})]
        return li

    resources.StripeObject._api_list_all = classmethod(_api_list_all)


def keep_store_in(path, rebuild_index):
    def try_load_from_disk(store):
        try:
            with open(path, 'rb') as f:
                saved = pickle.load(f)
        except FileNotFoundError:
            return
        store.clear()
        store.update(saved)  # dict.update: no dump per key
        rebuild_index(store)

    def write(store):
        # A plain dict (upstream pickles the Store itself, whose unpickling
        # calls __setitem__ and so rewrites the file once per key), written
        # beside the file and renamed, so a kill mid-write keeps the old one.
        started = time.monotonic()
        part = path + '.part'
        with open(part, 'wb') as f:
            pickle.dump(dict(store), f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(part, path)
        return time.monotonic() - started

    pending = {'delay': SAVE_DELAY_S, 'child': None}

    def reap(block):
        """True once no writer child is running; learns how long its write took."""
        child = pending['child']
        if child is None:
            return True
        pid, took = child
        done, _status = os.waitpid(pid, 0 if block else os.WNOHANG)
        if done == 0:
            return False
        seconds = os.read(took, 64)
        os.close(took)
        pending['child'] = None
        if seconds:
            pending['delay'] = max(SAVE_DELAY_S, SAVE_DELAY_FACTOR * float(seconds))
        return True

    def write_in_background(store):
        # Pickling the store takes about 100 ms at 30 000 objects, and the
        # event loop would answer no request meanwhile: the payment calls
        # that arrived then waited for it (the saga's slowest step at the
        # 99th percentile). A forked child writes the store as it was at the
        # fork (copy-on-write) while this process goes on serving; it reports
        # how long the write took through a pipe.
        if not reap(block=False):
            return False  # the last write is still going on
        took, report = os.pipe()
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                os.close(took)
                os.write(report, repr(write(store)).encode())
                code = 0
            finally:
                os._exit(code)
        os.close(report)
        pending['child'] = (pid, took)
        # Reaped as soon as it is done, so no finished writer lingers.
        loop = asyncio.get_running_loop()
        def poll():
            if not reap(block=False):
                loop.call_later(0.1, poll)
        loop.call_later(0.1, poll)
        return True

    def dump_to_disk(store):
        # Upstream writes the whole store after every change: each write
        # costs time in proportion to every payment ever made, and a long
        # benchmark slowed to a crawl. Changes are written at most once per
        # second instead (less often once a write takes over 50 ms), and at
        # shutdown (SIGTERM: stack/down); a kill -9 loses the changes since
        # the last write.
        if pending.get('handle') is not None:
            return
        def flush():
            pending['handle'] = None
            if not write_in_background(store):
                dump_to_disk(store)  # try again after the delay
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            write(store)
            return
        pending['handle'] = loop.call_later(pending['delay'], flush)

    async def flush_on_shutdown(_app):
        handle = pending.get('handle')
        if handle is not None:
            handle.cancel()
            pending['handle'] = None
        # The last word is this process's: wait for a writer child, then
        # write what the store holds now.
        reap(block=True)
        if handle is not None:
            write(resources.store)

    server.app.on_cleanup.append(flush_on_shutdown)
    resources.Store.try_load_from_disk = try_load_from_disk
    resources.Store.dump_to_disk = dump_to_disk


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--host', default='127.0.0.1')
    parser.add_argument('--port', type=int, default=8420)
    parser.add_argument('--store', required=True,
                        help='file the payments are kept in across restarts')
    parser.add_argument('--from-scratch', action='store_true',
                        help='start empty (the file is overwritten at the first write)')
    args = parser.parse_args()

    kinds, rebuild_index = index_kinds(resources.Store)
    list_from_index(kinds)
    keep_store_in(args.store, rebuild_index)
    if not args.from_scratch:
        resources.store.try_load_from_disk()

    access = logging.getLogger('aiohttp.access')
    access.setLevel(logging.DEBUG)
    access.addHandler(logging.StreamHandler())
    web.run_app(server.app, host=args.host, port=args.port, access_log=access)


if __name__ == '__main__':
    main()
