"""A wrong answer to exercise 02 that must lose points: compares the value, which never matches a missing key."""

# %%
from k8sedu import Compacted


# %%
class GaveUp(Exception):
    """Every attempt lost the race."""


# %%
def increment(etcd, key, attempts=10):
    for _ in range(attempts):
        kv = etcd.get(key)
        current = int(kv.value) if kv else 0
        # wrong on a missing key: etcd fails every value compare on a key that does not exist
        ok, _ = etcd.txn([(key, "value", "==", str(current))], [("put", key, str(current + 1))], [])
        if ok:
            return current + 1
    raise GaveUp(f"{key}: lost the race {attempts} times")


# %%
class Mirror:
    def __init__(self, etcd, prefix):
        self.etcd = etcd
        self.prefix = prefix
        self.items = {}
        self.revision = 0
        self.handle = None
        self.relist()

    def relist(self):
        self.items = {kv.key: kv.value for kv in self.etcd.range(self.prefix)}
        self.revision = self.etcd.revision
        self.handle = self.etcd.watch(self.prefix, self.on_event, start_revision=self.revision + 1)

    def on_event(self, event):
        if event.type == "PUT":
            self.items[event.kv.key] = event.kv.value
        else:
            self.items.pop(event.kv.key, None)
        self.revision = event.kv.mod_revision

    def disconnect(self):
        self.handle.cancel()
        self.handle = None

    def reconnect(self):
        try:
            self.handle = self.etcd.watch(
                self.prefix, self.on_event, start_revision=self.revision + 1
            )
        except Compacted:
            self.relist()
