"""A wrong answer to exercise 02 that must lose points: one compare-and-swap, never retried: a lost race loses the increment."""

# %%
from k8sedu import Compacted


# %%
class GaveUp(Exception):
    """Every attempt lost the race."""


# %%
def increment(etcd, key, attempts=10):
    kv = etcd.get(key)
    current = int(kv.value) if kv else 0
    seen = kv.mod_revision if kv else 0
    etcd.txn([(key, "mod_revision", "==", seen)], [("put", key, str(current + 1))], [])
    return current + 1  # wrong: a lost compare-and-swap is neither retried nor reported


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
