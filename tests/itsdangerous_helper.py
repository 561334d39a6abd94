#!/usr/bin/env python3
"""Make and read itsdangerous URLSafeTimedSerializer tokens for the Rust cross-tests.

    itsdangerous_helper.py dumps --secret S --salt SALT [--digest sha1|sha256] [--timestamp N]
        stdin: the payload as JSON        stdout: {"token": "..."}
    itsdangerous_helper.py loads --secret S --salt SALT [--digest sha1|sha256] [--max-age N] [--now N]
        stdin: the token                  stdout: {"ok": true, "payload": ..., "timestamp": N}
                                                  or {"ok": false, "error": "<itsdangerous exception class>"}
    itsdangerous_helper.py version        stdout: {"itsdangerous": "2.2.0"}

A refused token is an answer (exit 0); the exit code is non-zero only when the helper itself fails.
--timestamp / --now pin the clock so tests can make old or future tokens.
"""

import argparse
import hashlib
import importlib.metadata
import json
import sys

import itsdangerous

DIGESTS = {"sha1": hashlib.sha1, "sha256": hashlib.sha256}


def serializer(args, fixed_time=None):
    class Signer(itsdangerous.TimestampSigner):
        def get_timestamp(self):
            return int(fixed_time) if fixed_time is not None else super().get_timestamp()

    return itsdangerous.URLSafeTimedSerializer(
        args.secret,
        salt=args.salt,
        signer=Signer,
        signer_kwargs={"digest_method": DIGESTS[args.digest]},
    )


def main():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("dumps", "loads"):
        p = sub.add_parser(name)
        p.add_argument("--secret", required=True)
        p.add_argument("--salt", required=True)
        p.add_argument("--digest", choices=sorted(DIGESTS), default="sha1")
        if name == "dumps":
            p.add_argument("--timestamp", type=int)
        else:
            p.add_argument("--max-age", type=int)
            p.add_argument("--now", type=int)
    sub.add_parser("version")
    args = parser.parse_args()

    if args.command == "version":
        out = {"itsdangerous": importlib.metadata.version("itsdangerous")}
    elif args.command == "dumps":
        payload = json.loads(sys.stdin.read())
        out = {"token": serializer(args, args.timestamp).dumps(payload)}
    else:
        token = sys.stdin.read().strip()
        try:
            payload, signed_at = serializer(args, args.now).loads(
                token, max_age=args.max_age, return_timestamp=True
            )
            out = {"ok": True, "payload": payload, "timestamp": int(signed_at.timestamp())}
        except itsdangerous.BadData as e:
            out = {"ok": False, "error": type(e).__name__}
    json.dump(out, sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
