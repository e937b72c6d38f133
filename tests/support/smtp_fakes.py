"""Mail servers that misbehave, over real loopback sockets, for the outbox's tests.

- StallingServer accepts connections and never says a word (a hung mail server).
- DropAtQuitServer speaks just enough SMTP to accept a message (250 to DATA),
  then closes the connection when asked to QUIT, without answering.
Both count what they saw; use them as context managers.
- The `smtp_server` fixture is a real, well-behaved SMTP server (aiosmtpd).
"""

import socket
import threading

import pytest


class _LoopbackServer:
    def __init__(self):
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(16)
        self.port = self.listener.getsockname()[1]
        self.connections = 0
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._accept_loop, daemon=True)
        self._open = []

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stopping.set()
        self.listener.close()
        for connection in self._open:
            try:
                connection.close()
            except OSError:
                pass
        self.thread.join(timeout=5)

    def _accept_loop(self):
        while not self.stopping.is_set():
            try:
                connection, _address = self.listener.accept()
            except OSError:
                return
            self.connections += 1
            self._open.append(connection)
            threading.Thread(target=self.serve, args=(connection,), daemon=True).start()

    def serve(self, connection):
        raise NotImplementedError


class StallingServer(_LoopbackServer):
    """Accepts and then says nothing, ever."""

    def serve(self, connection):
        self.stopping.wait()


class DropAtQuitServer(_LoopbackServer):
    """Accepts every message, then drops the connection at QUIT."""

    def __init__(self):
        super().__init__()
        self.messages = []  # the raw DATA of each accepted message

    def serve(self, connection):
        reader = connection.makefile("rb")

        def say(line):
            connection.sendall(line.encode("ascii") + b"\r\n")

        try:
            say("220 drop-at-quit ESMTP")
            while True:
                line = reader.readline()
                if not line:
                    return
                command = line.decode("ascii", "replace").strip().upper()
                if command.startswith(("EHLO", "HELO")):
                    say("250 drop-at-quit")
                elif command.startswith(("MAIL", "RCPT", "RSET", "NOOP")):
                    say("250 OK")
                elif command == "DATA":
                    say("354 End data with <CR><LF>.<CR><LF>")
                    data = []
                    while (chunk := reader.readline()) not in (b".\r\n", b""):
                        data.append(chunk)
                    self.messages.append(b"".join(data))
                    say("250 Queued")
                elif command == "QUIT":
                    return  # closes without the 221
                else:
                    say("502 Not implemented")
        except OSError:
            return
        finally:
            reader.close()
            connection.close()


class _CollectingHandler:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server():
    """A real SMTP server (aiosmtpd) on a free loopback port; .messages holds envelopes."""
    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    handler = _CollectingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    controller.messages = handler.messages
    try:
        yield controller
    finally:
        controller.stop()
