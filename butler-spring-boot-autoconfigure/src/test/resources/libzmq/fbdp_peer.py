"""A Saturnin-like FBDP peer on libzmq (pyzmq), for interoperability tests.

Runs one session against a Butler data pipe and closes its socket at once when it gets CLOSE, as
Saturnin does, with ZMQ_IMMEDIATE and no linger. Prints "data=<DATA messages> close=<CLOSE code>"
and exits 0, or exits 2 when no CLOSE came within the timeout.

Usage: fbdp_peer.py consumer|producer bind|connect ADDRESS PIPE COUNT BATCH
  consumer: takes DATA, answers READY with BATCH
  producer: sends up to COUNT DATA messages of 64 bytes, then CLOSE(OK)
"""
import struct
import sys

import zmq

OPEN, READY, DATA, CLOSE = 1, 2, 4, 5
INPUT, OUTPUT = 1, 2
FORMAT = b"text/plain;charset=utf-8"
TIMEOUT_MS = 10000


def header(kind, type_data=0):
    return b"FBDP" + bytes([(kind << 3) | 1, 0]) + struct.pack(">H", type_data)


def field(number, value):
    if isinstance(value, int):
        return bytes([number << 3]) + varint(value)
    return bytes([(number << 3) | 2]) + varint(len(value)) + value


def varint(value):
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def main():
    role, mode, address, pipe, count, batch = sys.argv[1:7]
    count, batch = int(count), int(batch)
    context = zmq.Context()
    socket = context.socket(zmq.DEALER)
    socket.setsockopt(zmq.IMMEDIATE, 1)
    socket.setsockopt(zmq.LINGER, 0)
    socket.setsockopt(zmq.RCVTIMEO, TIMEOUT_MS)
    server = mode == "bind"
    if server:
        socket.bind(address)
    else:
        socket.connect(address)
        attach = OUTPUT if role == "consumer" else INPUT
        socket.send_multipart([header(OPEN), field(1, pipe.encode()) + field(2, attach) + field(3, FORMAT)])
    received = sent = 0
    due = 0
    try:
        while True:
            frames = socket.recv_multipart()
            kind = frames[0][4] >> 3
            if kind == CLOSE:
                code = struct.unpack(">H", frames[0][6:8])[0]
                socket.close()
                print("data=%d close=%d" % (received, code), flush=True)
                return 0
            if kind == OPEN:
                socket.send_multipart([header(READY, batch)])
            elif kind == READY:
                offered = struct.unpack(">H", frames[0][6:8])[0]
                if server:
                    due = offered
                else:
                    due = min(offered, batch)
                    socket.send_multipart([header(READY, due)])
                if role == "producer":
                    for _ in range(due):
                        if sent == count:
                            socket.send_multipart([header(CLOSE, 0)])
                            break
                        socket.send_multipart([header(DATA), b"%064d" % sent])
                        sent += 1
                    if server and sent < count:
                        socket.send_multipart([header(READY, batch)])
            elif kind == DATA:
                received += 1
                due -= 1
                if server and due == 0:
                    socket.send_multipart([header(READY, batch)])
    except zmq.Again:
        print("data=%d close=none" % received, flush=True)
        return 2


if __name__ == "__main__":
    sys.exit(main())
