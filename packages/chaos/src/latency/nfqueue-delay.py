# The lab's own packet delay, for kernels without sch_netem: iptables hands the packets to an NFQUEUE
# and this program accepts each one `delay` ms after it arrived (a constant delay keeps their order).
# Only the standard library: it speaks nfnetlink_queue over a raw netlink socket.
# usage: python3 nfqueue-delay.py <queue number> <delay ms> <tag>   (the tag only marks the process)
import collections, os, select, signal, socket, struct, sys, time

NETLINK_NETFILTER = 12
NFNL_SUBSYS_QUEUE = 3
MSG_PACKET, MSG_VERDICT, MSG_CONFIG, MSG_VERDICT_BATCH = 0, 1, 2, 3
CFG_CMD, CFG_PARAMS, CFG_QUEUE_MAXLEN, CFG_MASK, CFG_FLAGS = 1, 2, 3, 4, 5
CMD_BIND = 1
COPY_META = 1
F_FAIL_OPEN = 1  # a full queue lets packets through instead of dropping them
PACKET_HDR, VERDICT_HDR = 1, 2
NF_ACCEPT = 1
NLMSG_ERROR = 2
NLM_F_REQUEST, NLM_F_ACK = 1, 4

queue, delay = int(sys.argv[1]), int(sys.argv[2]) / 1000.0
sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_NETFILTER)
sock.setsockopt(socket.SOL_SOCKET, 33, 8 << 20)  # SO_RCVBUFFORCE: room for a burst of packets in flight
sock.bind((0, 0))
seq = 0


def attribute(kind, payload):
    padding = (4 - len(payload) % 4) % 4
    return struct.pack("=HH", 4 + len(payload), kind) + payload + b"\0" * padding


def send(message_type, attributes, flags=NLM_F_REQUEST):
    global seq
    seq += 1
    body = struct.pack("=BBH", socket.AF_UNSPEC, 0, socket.htons(queue)) + b"".join(attributes)
    sock.send(struct.pack("=IHHII", 16 + len(body), (NFNL_SUBSYS_QUEUE << 8) | message_type, flags, seq, 0) + body)


def configure(attributes):
    send(MSG_CONFIG, attributes, NLM_F_REQUEST | NLM_F_ACK)
    data = sock.recv(65536)
    length, kind = struct.unpack_from("=IH", data)
    if kind == NLMSG_ERROR:
        error = struct.unpack_from("=i", data, 16)[0]
        if error:
            sys.exit("cannot configure NFQUEUE %d: %s" % (queue, os.strerror(-error)))


configure([attribute(CFG_CMD, struct.pack("=BxH", CMD_BIND, socket.htons(socket.AF_INET)))])
configure([attribute(CFG_PARAMS, struct.pack("!IB", 0, COPY_META))])
configure([attribute(CFG_QUEUE_MAXLEN, struct.pack("!I", 65536))])
configure([attribute(CFG_MASK, struct.pack("!I", F_FAIL_OPEN)), attribute(CFG_FLAGS, struct.pack("!I", F_FAIL_OPEN))])

waiting = collections.deque()  # (due time, packet id), in arrival order


def accept(packet_id):
    send(MSG_VERDICT, [attribute(VERDICT_HDR, struct.pack("!II", NF_ACCEPT, packet_id))])


def release_all_and_exit(*_):
    # Heal: nothing queued may be lost, so everything still waiting goes out at once.
    while waiting:
        accept(waiting.popleft()[1])
    sys.exit(0)


signal.signal(signal.SIGTERM, release_all_and_exit)
signal.signal(signal.SIGINT, release_all_and_exit)
print("bound to NFQUEUE %d, delaying by %d ms" % (queue, delay * 1000), flush=True)

while True:
    timeout = max(0.0, waiting[0][0] - time.monotonic()) if waiting else None
    readable, _, _ = select.select([sock], [], [], timeout)
    if readable:
        data = sock.recv(1 << 20)
        offset = 0
        while offset + 16 <= len(data):
            length, kind = struct.unpack_from("=IH", data, offset)
            if length < 16:
                break
            if kind == (NFNL_SUBSYS_QUEUE << 8) | MSG_PACKET:
                position = offset + 20  # nlmsghdr (16) + nfgenmsg (4)
                while position + 4 <= offset + length:
                    size, attribute_type = struct.unpack_from("=HH", data, position)
                    if size < 4:
                        break
                    if attribute_type & 0x3FFF == PACKET_HDR:
                        waiting.append((time.monotonic() + delay, struct.unpack_from("!I", data, position + 4)[0]))
                    position += (size + 3) & ~3
            offset += (length + 3) & ~3
    now = time.monotonic()
    while waiting and waiting[0][0] <= now:
        accept(waiting.popleft()[1])
