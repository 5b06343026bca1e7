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

Writing the store once a second left a window: a kill -9 lost what had been
answered since the last write, and an intent answered 200 was unknown after
the restart (the saga's capture then met a 404). Stripe never forgets what it
answered, so neither may its stand-in: every request's changes are appended
to a journal beside the store before its response leaves, and a start loads
the store, then replays the journal. Each write of the store starts a new
journal segment and deletes the older ones once the store is in place, so
the journal holds about a second of changes.

Listing objects of one kind scans the whole store, and every charge it
returns lists the refunds to compute `amount_refunded` and `refunded`: each
confirm and capture cost time in proportion to every object ever stored
(measured: 39 ms of CPU per request with 22 000 objects stored, 88 % of it in
that scan). The launcher keeps an index of the keys of each kind beside the
store, so a listing reads only the objects of its kind, in the same order.

Written for localstripe 1.15.10; it uses `localstripe.server.app`, the Store
methods, `StripeObject._api_list_all` and the attributes of the objects (the
journal records them) below, nothing else.
"""

import argparse
import asyncio
import contextvars
import io
import logging
import os
import pickle
import stat
import struct
import time
import zlib

from aiohttp import web
from localstripe import resources, server

SAVE_DELAY_S = 1.0
# A write waits at least this many times as long as the last one took: the
# writes never take more than about 5 % of a core, however large the store.
SAVE_DELAY_FACTOR = 20

# The store file ends with this mark and the first journal segment it does
# not contain. After the store, not before it: the launcher of before the
# journal (a checkout of an older commit) reads the store and stops there.
STORE_TRAILER = 'journal segments from'
# A journal record: the payload's length and CRC-32, then the payload.
RECORD = struct.Struct('>II')

log = logging.getLogger('localstripe.serve')


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


# True while a request that may write (any method but GET, HEAD, OPTIONS) runs.
WRITING = contextvars.ContextVar('writing', default=False)


class Changes:
    """What changed in the store since the journal's last record.

    localstripe changes its objects in place: capturing an intent sets
    `captured` on the charge the intent holds, never storing anything again.
    So this notes, besides the keys set and deleted in the store, every
    stored object an attribute was assigned to and, while a request that
    may write runs, every object it fetched from the store (a few changes
    edit an object's dicts and lists in place: metadata, a customer's
    sources, an invoice's status_transitions).
    """

    def __init__(self):
        self.keys = {}  # in order: new keys are replayed in the same order
        self.objects = {}  # id(object) → object, attributes assigned
        self.cleared = False
        # Changes made outside a request (localstripe's timers) are written
        # at the event loop's next turn: flush_soon, set once it runs.
        self.flush_soon = None

    def key(self, key):
        self.keys[key] = None
        if self.flush_soon is not None:
            self.flush_soon()

    def object(self, obj):
        self.objects[id(obj)] = obj
        if self.flush_soon is not None:
            self.flush_soon()

    def clear(self):
        self.reset()
        self.cleared = True

    def reset(self):
        self.keys = {}
        self.objects = {}
        self.cleared = False

    def __bool__(self):
        return bool(self.keys or self.objects or self.cleared)


def track_changes(changes):
    store_class = resources.Store
    base_setitem = store_class.__setitem__
    base_delitem = store_class.__delitem__
    base_clear = store_class.clear

    def setitem(self, key, value):
        changes.key(key)
        base_setitem(self, key, value)

    def delitem(self, key):
        changes.key(key)
        base_delitem(self, key)

    def clear(self):
        base_clear(self)
        changes.clear()

    def get(self, key, default=None):
        # StripeObject._api_retrieve fetches with get.
        if WRITING.get() and dict.__contains__(self, key):
            changes.key(key)
        return dict.get(self, key, default)

    def setattr(obj, name, value):
        object.__setattr__(obj, name, value)
        changes.object(obj)

    store_class.__setitem__ = setitem
    store_class.__delitem__ = delitem
    store_class.clear = clear
    store_class.get = get
    resources.StripeObject.__setattr__ = setattr


def stored_key(store, obj):
    """The key `obj` is stored under, None if it is not in the store."""
    kind = getattr(obj, 'object', None)
    if not isinstance(kind, str):
        return None
    ident = vars(obj).get('id')
    if isinstance(ident, str) and dict.get(store, kind + ':' + ident) is obj:
        return kind + ':' + ident
    if dict.get(store, kind) is obj:  # a singleton: the balance
        return kind
    return None


def encode_changes(store, changes):
    """One journal record: [('clear',) | ('del', key) | ('set', key, class, attributes)].

    An object's attributes name the other stored objects it holds by key (a
    pickle persistent id), and the replay writes the attributes into the
    object already stored under that key: after a replay, an intent and the
    store share one charge object, as they did when the record was written.
    """
    entries = [('clear',)] if changes.cleared else []
    keys = dict(changes.keys)
    for obj in changes.objects.values():
        key = stored_key(store, obj)
        if key is not None:
            keys[key] = None
    for key in keys:
        obj = dict.get(store, key)
        if obj is None:
            entries.append(('del', key))
        else:
            entries.append(('set', key, type(obj), vars(obj)))
    if not entries:
        return None  # only objects never stored changed (the List of a listing)

    out = io.BytesIO()
    pickler = pickle.Pickler(out, protocol=pickle.HIGHEST_PROTOCOL)

    def persistent_id(obj):
        if isinstance(obj, resources.StripeObject):
            key = stored_key(store, obj)
            if key is not None:
                return key, type(obj)
        return None

    pickler.persistent_id = persistent_id
    pickler.dump(entries)
    return out.getvalue()


def apply_record(store, payload):
    placeholders = {}

    def persistent_load(pid):
        # A stored object named by key; one not stored yet is stored by a
        # later entry of the same record, which fills this placeholder in.
        key, cls = pid
        obj = dict.get(store, key)
        if obj is None:
            obj = placeholders.get(key)
            if obj is None:
                obj = placeholders[key] = cls.__new__(cls)
        return obj

    unpickler = pickle.Unpickler(io.BytesIO(payload))
    unpickler.persistent_load = persistent_load
    for entry in unpickler.load():
        if entry[0] == 'clear':
            dict.clear(store)
        elif entry[0] == 'del':
            dict.pop(store, entry[1], None)
        else:
            _op, key, cls, attributes = entry
            obj = dict.get(store, key)
            if obj is None or type(obj) is not cls:
                obj = placeholders.pop(key, None)
                if obj is None:
                    obj = cls.__new__(cls)
            state = vars(obj)  # not setattr: replaying is no change to note
            state.clear()
            state.update(attributes)
            dict.__setitem__(store, key, obj)


def read_records(path):
    """The records of a journal segment, and how many bytes at its end were not one."""
    with open(path, 'rb') as f:
        data = f.read()
    records, offset = [], 0
    while offset + RECORD.size <= len(data):
        length, crc = RECORD.unpack_from(data, offset)
        payload = data[offset + RECORD.size:offset + RECORD.size + length]
        if len(payload) < length or zlib.crc32(payload) != crc:
            break
        records.append(payload)
        offset += RECORD.size + length
    return records, len(data) - offset


class Journal:
    """Numbered segments beside the store file, appended to one record per request.

    Each record goes to the kernel in one os.write on an O_APPEND descriptor
    before the response leaves: a killed process keeps everything it wrote,
    the kernel writes it out in its own time. An operating system crash or a
    power cut could still lose the last seconds; surviving that needs an
    fsync per record (and of the folder per new segment). Measured with 300
    orders (authorize, then capture) one after another: a record costs
    0.12 ms per request (0.2 ms with other tests running), an order 5.0 ms
    before the journal, 5.3 to 5.8 ms with it; an fsync per record took
    0.4 to 1.9 ms (up to 14 ms at the 99th percentile while other tests
    wrote to the disk), an order 7.7 ms. The stack runs on one machine:
    its crash takes the saga's workers, Temporal and Kafka down with this
    server, and the stack's benchmarks measure the payment step through
    it. What it must survive is the kill -9 of a process, so no fsync.
    """

    def __init__(self, store_path):
        self.folder = os.path.dirname(os.path.abspath(store_path))
        self.prefix = os.path.basename(store_path) + '.journal.'
        self.number = 0
        self.fd = None

    def path(self, number):
        return os.path.join(self.folder, self.prefix + str(number))

    def segments(self):
        numbers = []
        for name in os.listdir(self.folder):
            tail = name[len(self.prefix):]
            if name.startswith(self.prefix) and tail.isdigit():
                numbers.append(int(tail))
        return sorted(numbers)

    def start_segment(self, at_least=1):
        """Later records go to a new segment, numbered above every other one."""
        number = max([self.number, at_least - 1, *self.segments()]) + 1
        fd = os.open(self.path(number), os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_CLOEXEC, 0o644)
        if self.fd is not None:
            os.close(self.fd)
        self.fd, self.number = fd, number
        return number

    def append(self, payload):
        frame = RECORD.pack(len(payload), zlib.crc32(payload)) + payload
        try:
            written = os.write(self.fd, frame)
            while written < len(frame):  # a full disk writes a part
                written += os.write(self.fd, frame[written:])
        except BaseException:
            # The replay of a segment stops at a record cut short, which
            # would hide the records after it: they go to a new segment.
            self.start_segment()
            raise

    def drop_before(self, number):
        for n in self.segments():
            if n < number:
                try:
                    os.unlink(self.path(n))
                except FileNotFoundError:
                    pass


def keep_store_in(path, rebuild_index, changes):
    journal = Journal(path)

    replay = {'records': 0}

    def journal_changes():
        """Appends what changed since the last record; a request's response waits for it."""
        if not changes:
            return
        record = encode_changes(resources.store, changes)
        if record is not None:
            journal.append(record)
        # Only once written: after a failed write (answered 500) the next
        # record carries these changes again.
        changes.reset()

    def read_store():
        """The store as last written, the first journal segment it does not
        contain and, for a store written without that mark, when it was written."""
        try:
            with open(path, 'rb') as f:
                saved = pickle.load(f)
                try:
                    trailer = pickle.load(f)
                except EOFError:
                    trailer = None
                written = os.fstat(f.fileno()).st_mtime_ns
        except FileNotFoundError:
            return None, 0, None
        if isinstance(trailer, tuple) and trailer[:1] == (STORE_TRAILER,):
            return saved, trailer[1], None
        return saved, 0, written

    def try_load_from_disk(store):
        saved, first, written = read_store()
        dict.clear(store)
        if saved is not None:
            dict.update(store, saved)  # dict.update: no change noted per key
        replayed = 0
        for number in journal.segments():
            segment = journal.path(number)
            # Its changes are in the store already: written before the store
            # (by a launcher that knew no journal) or the store's write ended
            # before the segment was deleted.
            if number < first or (written is not None and os.stat(segment).st_mtime_ns < written):
                os.unlink(segment)
                continue
            records, torn = read_records(segment)
            for payload in records:
                apply_record(store, payload)
            replayed += len(records)
            if not records and not torn:
                os.unlink(segment)  # a start's or a shutdown's, never written to
            elif torn:
                # A kill during an append: that request was never answered.
                log.warning('journal %s: ignored the last %d bytes, a record cut short', segment, torn)
        rebuild_index(store)
        journal.start_segment(at_least=first)
        changes.reset()
        replay['records'] = replayed
        log.info('store: %d objects, after replaying %d journal records', len(store), replayed)

    def start_empty():
        for number in journal.segments():
            os.unlink(journal.path(number))
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass
        journal.start_segment()

    def write(store, first):
        # A plain dict (upstream pickles the Store itself, whose unpickling
        # calls __setitem__ and so rewrites the file once per key), written
        # beside the file and renamed, so a kill mid-write keeps the old one.
        # It holds every change before journal segment `first`.
        started = time.monotonic()
        part = path + '.part'
        with open(part, 'wb') as f:
            pickle.dump(dict(store), f, protocol=pickle.HIGHEST_PROTOCOL)
            pickle.dump((STORE_TRAILER, first), f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(part, path)
        return time.monotonic() - started

    def write_now(store):
        first = journal.start_segment()
        write(store, first)
        journal.drop_before(first)

    def close_sockets():
        # The child holds copies of the server's listening socket and of its
        # clients' connections. Were the server killed during the write, the
        # port would stay taken until the write ends (stack/up then refuses
        # to start it: "already taken by a process this stack did not
        # start"), and the clients would wait for their answers till then.
        for name in os.listdir('/proc/self/fd'):
            try:
                if stat.S_ISSOCK(os.fstat(int(name)).st_mode):
                    os.close(int(name))
            except OSError:
                pass  # the listing's own descriptor, closed by now

    pending = {'delay': SAVE_DELAY_S, 'child': None}

    def reap(block):
        """True once no writer child is running; learns how long its write took."""
        child = pending['child']
        if child is None:
            return True
        pid, took, first = child
        done, _status = os.waitpid(pid, 0 if block else os.WNOHANG)
        if done == 0:
            return False
        seconds = os.read(took, 64)
        os.close(took)
        pending['child'] = None
        if seconds:
            pending['delay'] = max(SAVE_DELAY_S, SAVE_DELAY_FACTOR * float(seconds))
            # The store is in place: the segments before `first` are in it.
            # (A writer that failed leaves them for the replay.)
            journal.drop_before(first)
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
        # The child writes every change made before the fork; the records
        # from now on go to a segment of their own, which a start replays on
        # top of that store. (A change not journaled yet at the fork is in
        # both, harmlessly: a record holds whole objects, not differences.)
        first = journal.start_segment()
        took, report = os.pipe()
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                os.close(took)
                close_sockets()
                os.write(report, repr(write(store, first)).encode())
                code = 0
            finally:
                os._exit(code)
        os.close(report)
        pending['child'] = (pid, took, first)
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
        # benchmark slowed to a crawl. The store is written at most once per
        # second instead (less often once a write takes over 50 ms), and at
        # shutdown (SIGTERM: stack/down); the journal keeps the changes made
        # in between, so a kill -9 loses none that was answered.
        if pending.get('handle') is not None:
            return
        def flush():
            pending['handle'] = None
            if not write_in_background(store):
                dump_to_disk(store)  # try again after the delay
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            write_now(store)
            return
        pending['handle'] = loop.call_later(pending['delay'], flush)

    @web.middleware
    async def journal_middleware(request, handler):
        # The innermost middleware: the handler's changes are journaled after
        # it returns or raises (a decline answers 402 and leaves an intent
        # behind), before the response goes out. A record that cannot be
        # written raises here, and the client gets a 500, not a confirmation.
        token = WRITING.set(request.method not in ('GET', 'HEAD', 'OPTIONS'))
        try:
            return await handler(request)
        finally:
            WRITING.reset(token)
            journal_changes()

    async def journal_outside_requests(_app):
        loop = asyncio.get_running_loop()
        scheduled = [False]

        def run():
            scheduled[0] = False
            journal_changes()

        def flush_soon():
            if not scheduled[0]:
                scheduled[0] = True
                loop.call_soon(run)

        changes.flush_soon = flush_soon
        if replay['records']:
            # What was replayed goes into the store at the next write, and
            # the next start has no journal to replay.
            dump_to_disk(resources.store)

    async def flush_on_shutdown(_app):
        handle = pending.get('handle')
        if handle is not None:
            handle.cancel()
            pending['handle'] = None
        # The last word is this process's: wait for a writer child, then
        # write what the store holds now.
        reap(block=True)
        journal_changes()
        if handle is not None:
            write_now(resources.store)

    server.app.middlewares.append(journal_middleware)
    server.app.on_startup.append(journal_outside_requests)
    server.app.on_cleanup.append(flush_on_shutdown)
    resources.Store.try_load_from_disk = try_load_from_disk
    resources.Store.dump_to_disk = dump_to_disk
    return start_empty


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--host', default='127.0.0.1')
    parser.add_argument('--port', type=int, default=8420)
    parser.add_argument('--store', required=True,
                        help='file the payments are kept in across restarts '
                             '(its journal beside it, in files named after it)')
    parser.add_argument('--from-scratch', action='store_true',
                        help='start empty (the file and its journal are deleted)')
    args = parser.parse_args()

    log.addHandler(logging.StreamHandler())
    log.setLevel(logging.INFO)
    log.propagate = False
    kinds, rebuild_index = index_kinds(resources.Store)
    list_from_index(kinds)
    changes = Changes()
    track_changes(changes)
    start_empty = keep_store_in(args.store, rebuild_index, changes)
    if args.from_scratch:
        start_empty()
    else:
        resources.store.try_load_from_disk()

    access = logging.getLogger('aiohttp.access')
    access.setLevel(logging.DEBUG)
    access.addHandler(logging.StreamHandler())
    web.run_app(server.app, host=args.host, port=args.port, access_log=access)


if __name__ == '__main__':
    main()
