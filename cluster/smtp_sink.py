#!/usr/bin/env python3
"""The cluster's mail server: an SMTP sink (stdlib asyncio only) that writes every message it
accepts into an outbox directory in passport's own outbox format (`mail-<n>.json`: kind, to,
subject, body, sent_at, plus message_id), and a small HTTP endpoint that lists that directory the
way `GET /dev/outbox` does, so the browser journeys and the drills read mails (and the Tencent
simulator's SMS, written to the same directory) from one place.

    smtp_sink.py --smtp 127.0.0.1:2525 --http 127.0.0.1:2580 --dir cluster/run/outbox

GET /outbox  -> {"messages": [...]} newest first;  GET /stats -> {"mails": n, "duplicates": n}.
"""
import argparse
import asyncio
import email
import email.policy
import json
import os
import datetime
import itertools

counter = itertools.count(1)


def store(outdir, raw, rcpts):
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    body = msg.get_body(preferencelist=("plain", "html"))
    text = body.get_content() if body is not None else ""
    record = {
        "kind": "mail",
        "to": ", ".join(rcpts) or str(msg.get("To", "")),
        "subject": str(msg.get("Subject", "")),
        "body": text,
        "sent_at": datetime.datetime.now(datetime.timezone.utc).isoformat().replace("+00:00", "Z"),
        "message_id": str(msg.get("Message-ID", "")),
    }
    name = f"mail-smtp-{os.getpid()}-{next(counter):08d}.json"
    tmp = os.path.join(outdir, "." + name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(record, f, ensure_ascii=False)
    os.replace(tmp, os.path.join(outdir, name))


async def smtp_session(reader, writer, outdir):
    def send(line):
        writer.write((line + "\r\n").encode())

    send("220 sink ESMTP ready")
    rcpts = []
    try:
        while True:
            line = await reader.readline()
            if not line:
                return
            cmd = line.decode("utf-8", "replace").strip()
            verb = cmd[:4].upper()
            if verb == "EHLO":
                writer.write(b"250-sink\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250 SIZE 10485760\r\n")
            elif verb == "HELO":
                send("250 sink")
            elif verb == "MAIL":
                rcpts = []
                send("250 OK")
            elif verb == "RCPT":
                addr = cmd.split(":", 1)[1].strip().split()[0].strip("<>")
                rcpts.append(addr)
                send("250 OK")
            elif verb == "DATA":
                send("354 end with <CRLF>.<CRLF>")
                await writer.drain()
                chunks = []
                while True:
                    l = await reader.readline()
                    if not l:
                        return
                    if l in (b".\r\n", b".\n"):
                        break
                    if l.startswith(b".."):
                        l = l[1:]
                    chunks.append(l)
                store(outdir, b"".join(chunks), rcpts)
                send("250 OK queued")
            elif verb == "RSET":
                rcpts = []
                send("250 OK")
            elif verb == "NOOP":
                send("250 OK")
            elif verb == "QUIT":
                send("221 bye")
                await writer.drain()
                return
            else:
                send("502 command not implemented")
            await writer.drain()
    except (ConnectionError, asyncio.IncompleteReadError):
        pass
    finally:
        writer.close()


def read_outbox(outdir):
    messages = []
    for name in os.listdir(outdir):
        if name.startswith(".") or not name.endswith(".json"):
            continue
        try:
            with open(os.path.join(outdir, name), encoding="utf-8") as f:
                messages.append(json.load(f))
        except (OSError, ValueError):
            continue
    messages.sort(key=lambda m: m.get("sent_at", ""), reverse=True)
    return messages


async def http_session(reader, writer, outdir):
    try:
        request = await reader.readline()
        while (await reader.readline()) not in (b"\r\n", b"\n", b""):
            pass
        path = request.decode().split(" ")[1] if request.count(b" ") >= 2 else "/"
        if path.startswith("/outbox"):
            payload = {"messages": read_outbox(outdir)}
        elif path.startswith("/stats"):
            ids = [m.get("message_id") for m in read_outbox(outdir) if m.get("kind") == "mail"]
            payload = {"mails": len(ids), "duplicates": len(ids) - len(set(ids))}
        else:
            payload = None
        body = json.dumps(payload, ensure_ascii=False).encode() if payload is not None else b"{}"
        status = "200 OK" if payload is not None else "404 Not Found"
        writer.write(
            f"HTTP/1.1 {status}\r\nContent-Type: application/json; charset=utf-8\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode() + body
        )
        await writer.drain()
    finally:
        writer.close()


async def main():
    p = argparse.ArgumentParser()
    p.add_argument("--smtp", default="127.0.0.1:2525")
    p.add_argument("--http", default="127.0.0.1:2580")
    p.add_argument("--dir", required=True)
    a = p.parse_args()
    os.makedirs(a.dir, exist_ok=True)
    sh, sp = a.smtp.rsplit(":", 1)
    hh, hp = a.http.rsplit(":", 1)
    smtp = await asyncio.start_server(lambda r, w: smtp_session(r, w, a.dir), sh, int(sp))
    http = await asyncio.start_server(lambda r, w: http_session(r, w, a.dir), hh, int(hp))
    print(f"smtp sink on {a.smtp}, outbox on http://{a.http}/outbox, writing {a.dir}", flush=True)
    async with smtp, http:
        await asyncio.gather(smtp.serve_forever(), http.serve_forever())


if __name__ == "__main__":
    asyncio.run(main())
