"""Smoke run of benchmarks/bench_realetcd.py: both backends store everything (never times)."""

import importlib.util
from pathlib import Path

import pytest

from k8sedu.etcd import RealEtcd

BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_realetcd.py"


def load_bench():
    spec = importlib.util.spec_from_file_location("bench_realetcd", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(not RealEtcd.installed(), reason="no etcd binary (apt-get install etcd-server)")
def test_bench_realetcd_smoke(capsys):
    result = load_bench().main(["--configmaps", "30"])
    embedded, real = result["embedded"], result["real_etcd"]
    assert embedded["listed"] == real["listed"] == 30
    assert embedded["etcd_revision"] == real["etcd_revision"]  # the same writes, the same revisions
    # a create: revision before the request + txn + committed revision; a get: revision only
    assert (real["etcd_calls_per_create"], real["etcd_calls_per_get"]) == (3, 1)
    assert (embedded["etcd_calls_per_create"], embedded["etcd_calls_per_get"]) == (0, 0)
    assert '"real_etcd"' in capsys.readouterr().out
