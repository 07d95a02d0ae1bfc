"""The ``k8sedu`` command. Subcommands are added by the parts that need them (grade, serve, …)."""

from __future__ import annotations

import argparse
import sys

from k8sedu import __version__, lessons_build
from k8sedu.grading import commands as grading


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="k8sedu", description="Learn how Kubernetes works inside."
    )
    parser.add_argument(
        "--version", action="version", version=f"k8sedu {__version__} (Kubernetes v1.34)"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    kubectl = sub.add_parser(
        "kubectl", help="run kubectl commands against a fresh simulated cluster"
    )
    kubectl.add_argument("--nodes", type=int, default=3)
    kubectl.add_argument("--seed", type=int, default=0)
    kubectl.add_argument("args", nargs=argparse.REMAINDER, help="e.g. get nodes -o wide")
    grading.add_parsers(sub)
    lessons_build.add_parsers(sub)
    _add_serve_parser(sub)
    args = parser.parse_args(argv)
    if args.command == "kubectl":
        return _kubectl(args)
    if args.command == "serve":
        from k8sedu.serve import main as serve

        return serve(args)
    if args.command in grading.COMMANDS:
        return grading.run(args)
    if args.command in lessons_build.COMMANDS:
        return lessons_build.run(args)
    parser.print_help()
    return 0


def _kubectl(args) -> int:
    from k8sedu import Cluster, KubectlError

    cluster = Cluster(nodes=args.nodes, seed=args.seed)
    try:
        out = cluster.kubectl(" ".join(args.args))
    except KubectlError as e:
        print(e.stderr, file=sys.stderr)
        return e.exit_code
    sys.stdout.write(out)
    return 0


def _add_serve_parser(sub) -> None:
    serve = sub.add_parser(
        "serve", help="serve a simulated cluster's Kubernetes API for real kubectl (Ctrl-C stops)"
    )
    serve.add_argument("--nodes", type=int, default=3)
    serve.add_argument("--seed", type=int, default=0)
    serve.add_argument("--port", type=int, default=0, help="default: any free port")
    serve.add_argument(
        "--address", default="127.0.0.1", help="listen here; off loopback a token is required"
    )
    serve.add_argument("--mode", choices=("realtime", "paused"), default="realtime")
    serve.add_argument("--speed", type=float, default=1.0, help="simulated seconds per second")
    serve.add_argument("--kubeconfig", help="write the kubeconfig here (default: a temp file)")


if __name__ == "__main__":
    sys.exit(main())
