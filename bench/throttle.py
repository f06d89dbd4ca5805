"""A weak connection on loopback, for the benchmarks: a TCP proxy in front of a local server that
delays every byte by half the round trip each way and passes at most `rate` bits per second per
direction (one link shared by all of the browser's connections, as a phone's radio is). Unlike
Chromium's network emulation (CDP), it also slows what a service worker fetches itself.

A new connection first waits one round trip (its TCP handshake on the real link); then each
chunk read (at most one packet's payload) takes its serialisation time on the direction's link,
queued behind what is already on it, and arrives half the round trip later.
"""

from __future__ import annotations

import asyncio
import threading
import time

PACKET = 1460  # bytes of TCP payload in one Ethernet-sized packet


class _Link:
    """One direction: bytes queue for the wire, then travel for `delay` seconds."""

    def __init__(self, rate_bits: float, delay: float) -> None:
        self.bytes_per_second = rate_bits / 8
        self.delay = delay
        self.free_at = 0.0
        self.moved = 0

    def arrival(self, now: float, size: int) -> float:
        start = max(now, self.free_at)
        self.free_at = start + size / self.bytes_per_second
        self.moved += size
        return self.free_at + self.delay


class Throttle:
    """The proxy: `Throttle(upstream_port).start()` listens on `self.port` (127.0.0.1)."""

    def __init__(self, upstream_port: int, *, rate_bits: float = 400_000, rtt: float = 0.4) -> None:
        self.upstream_port, self.rtt = upstream_port, rtt
        self.down = _Link(rate_bits, rtt / 2)
        self.up = _Link(rate_bits, rtt / 2)
        self.port = 0
        self.last_activity = time.monotonic()
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()

    def start(self) -> Throttle:
        """Serve in a thread of its own; returns once listening."""
        threading.Thread(target=self._run, daemon=True).start()
        self._ready.wait(10)
        return self

    def wait_idle(self, quiet: float = 0.5, limit: float = 60) -> None:
        """Wait until no byte has moved either way for `quiet` seconds (at most `limit`)."""
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            loop_now = self._loop.time()
            busy = max(self.down.free_at, self.up.free_at) + self.rtt / 2 > loop_now
            if not busy and time.monotonic() - self.last_activity >= quiet:
                return
            time.sleep(0.05)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        server = self._loop.run_until_complete(
            asyncio.start_server(self._connection, "127.0.0.1", 0)
        )
        self.port = server.sockets[0].getsockname()[1]
        self._ready.set()
        self._loop.run_forever()

    async def _connection(self, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter):
        await asyncio.sleep(self.rtt)  # the handshake the real link would cost
        try:
            server_r, server_w = await asyncio.open_connection("127.0.0.1", self.upstream_port)
        except OSError:
            client_w.close()
            return
        await asyncio.gather(
            self._pump(client_r, server_w, self.up),
            self._pump(server_r, client_w, self.down),
            return_exceptions=True,
        )
        for writer in (client_w, server_w):
            writer.close()

    async def _pump(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, link: _Link):
        queue: asyncio.Queue[tuple[float, bytes] | None] = asyncio.Queue()

        async def deliver() -> None:
            while (item := await queue.get()) is not None:
                at, data = item
                await asyncio.sleep(max(0.0, at - self._loop.time()))
                writer.write(data)
                await writer.drain()
                self.last_activity = time.monotonic()
            if writer.can_write_eof():
                writer.write_eof()

        delivering = asyncio.create_task(deliver())
        try:
            while data := await reader.read(PACKET):
                self.last_activity = time.monotonic()
                queue.put_nowait((link.arrival(self._loop.time(), len(data)), data))
        finally:
            queue.put_nowait(None)
            await delivering
