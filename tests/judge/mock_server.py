#!/usr/bin/env python3
"""A scripted OpenAI-compatible (and Anthropic messages) judge server for the judge tests.

Listens on 127.0.0.1 only, on a free port that it writes to --port-file. The answer to a request is
decided from the request itself, so tests can script every path by writing markers into their data:

  answers        the slot (A-D) whose answer text contains GOOD is the verdict: "... [[X]]";
                 a rating prompt is answered "...\n\n<n>" for RATE=<n> in the response (GOOD 9, BAD 3)
  #malformed     a well-formed response without any verdict
  #429xN         the first N attempts of this exact request get 429 with Retry-After: 1
  #500xN         the first N attempts get 500
  #dropxN        the first N attempts get the connection closed without a response
  #slowxN        the first N attempts are answered after 3 s (longer than the tests' timeout)
  #badbodyxN     the first N attempts get a 200 whose body is not JSON
  #fail          every attempt gets 500, until POST /heal
  #delay         every answer comes after 0.1 s
  model ...biasA always answers [[A]]; model ...longer picks the longest answer (in code points);
  model "unauthorized" gets 401

POST /stats returns {"attempts": total attempts, "distinct": distinct request bodies,
"per_body_max": the most attempts one body got}; POST /heal turns #fail off.
"""
import argparse
import hashlib
import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOCK = threading.Lock()
ATTEMPTS = {}
STATE = {"total": 0, "healed": False}


def count_attempt(body):
    key = hashlib.sha256(body).hexdigest()
    with LOCK:
        ATTEMPTS[key] = ATTEMPTS.get(key, 0) + 1
        STATE["total"] += 1
        return ATTEMPTS[key]


def first_n(text, name, attempt):
    match = re.search(r"#" + name + r"x(\d+)", text)
    return match is not None and attempt <= int(match.group(1))


def answer_sections(user):
    sections = {}
    for letter in "ABCD":
        section = re.search(r"\[The Start of Assistant " + letter + r"'s Answer\]\n(.*?)\n\[The End of Assistant "
                            + letter + r"'s Answer\]", user, re.S)
        if not section:  # the multi-turn prompt shows whole conversations
            section = re.search(r"<\|The Start of Assistant " + letter + r"'s Conversation with User\|>\n(.*?)"
                                r"<\|The End of Assistant " + letter + r"'s Conversation with User\|>", user, re.S)
        if section:
            sections[letter] = section.group(1)
    return sections


def verdict_text(user, model):
    if "biasA" in model:
        return "Both are fine. [[A]]"
    if "longer" in model:
        sections = answer_sections(user)
        return "Longer is better: [[%s]]" % max(sections, key=lambda letter: len(sections[letter]))
    if "#malformed" in user:
        return "I find both answers equally compelling and cannot choose."
    if "[Your judgement]" in user:  # a rating prompt
        response = user.split("[Response]\n", 1)[1].rsplit("\n\n[Your judgement]", 1)[0]
        rate = re.search(r"RATE=(\d+)", response)
        value = rate.group(1) if rate else ("9" if "GOOD" in response else "3")
        return "A short explanation.\n\n" + value
    for letter, section in answer_sections(user).items():
        if "GOOD" in section:
            return "Assistant %s is more helpful. [[%s]]" % (letter, letter)
    conversation = re.search(r"### Assistant A:\n(.*?)<\|The End of Assistant A", user, re.S)
    if conversation:
        return "[[A]]" if "GOOD" in conversation.group(1).split("### Assistant A:\n")[-1] else "[[B]]"
    return "No verdict here."


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send_json(self, status, payload, extra_headers=()):
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in extra_headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        if self.path == "/stats":
            with LOCK:
                payload = {"attempts": STATE["total"], "distinct": len(ATTEMPTS),
                           "per_body_max": max(ATTEMPTS.values(), default=0)}
            return self.send_json(200, payload)
        if self.path == "/heal":
            STATE["healed"] = True
            return self.send_json(200, {})
        request = json.loads(body)
        model = request.get("model", "")
        user = request["messages"][-1]["content"]
        attempt = count_attempt(body)
        if model == "unauthorized":
            return self.send_json(401, {"error": {"message": "bad key"}})
        if first_n(user, "drop", attempt):
            self.close_connection = True
            self.connection.shutdown(2)
            return
        if "#delay" in user:
            time.sleep(0.1)
        if first_n(user, "slow", attempt):
            time.sleep(3)
        if first_n(user, "429", attempt):
            return self.send_json(429, {"error": {"message": "rate limited"}}, [("Retry-After", "1")])
        if first_n(user, "500", attempt) or ("#fail" in user and not STATE["healed"]):
            return self.send_json(500, {"error": {"message": "server error"}})
        if first_n(user, "badbody", attempt):
            data = b"<html>oops</html>"
            self.send_response(200)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            return self.wfile.write(data)
        text = verdict_text(user, model)
        if self.path.endswith("/messages"):
            return self.send_json(200, {"type": "message", "content": [{"type": "text", "text": text}]})
        return self.send_json(200, {"choices": [{"index": 0, "message": {"role": "assistant", "content": text}}]})


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port-file", required=True)
    args = parser.parse_args()
    server = Server(("127.0.0.1", 0), Handler)
    with open(args.port_file + ".tmp", "w") as f:
        f.write(str(server.server_address[1]))
    import os
    os.replace(args.port_file + ".tmp", args.port_file)
    server.serve_forever()


if __name__ == "__main__":
    main()
