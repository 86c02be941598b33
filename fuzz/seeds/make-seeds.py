#!/usr/bin/env python3
"""Writes the committed seed corpus fuzz/corpus/<target>/ from the real fixtures in ../shared/fixtures (run from the
repo root: python3 fuzz/seeds/make-seeds.py ../shared/fixtures). Small inputs only: afl++ is fastest on them."""
import hashlib, json, os, struct, subprocess, sys

fx = sys.argv[1] if len(sys.argv) > 1 else "../shared/fixtures"
out = "fuzz/corpus"

def varint(n):
    b = bytearray()
    while True:
        if n < 0x80:
            b.append(n); return bytes(b)
        b.append((n & 0x7f) | 0x80); n >>= 7

def read_varint(d, p):
    v = s = 0
    while True:
        x = d[p]; p += 1
        v |= (x & 0x7f) << s; s += 7
        if x < 0x80: return v, p

def sections(car):
    hl, p = read_varint(car, 0)
    header = car[:p + hl]; p += hl
    out = []
    while p < len(car):
        l, q = read_varint(car, p)
        out.append(car[q:q + l]); p = q + l
    return header, out

def cid_len(s):
    # CIDv1: version, codec, hash code, digest length, digest
    p = 0
    for _ in range(3): _, p = read_varint(s, p)
    l, p = read_varint(s, p)
    return p + l

def put(target, name, data):
    os.makedirs(f"{out}/{target}", exist_ok=True)
    with open(f"{out}/{target}/{name}", "wb") as f: f.write(data)

car = open(f"{fx}/filecoin/mainnet-chain4-h0-3.car", "rb").read()
header, secs = sections(car)
blocks = [(s[:cid_len(s)], s[cid_len(s):]) for s in secs]

# chain + cbor: the 4 headers, then small DAG-CBOR blocks of distinct shapes (first byte and size class)
seen = set(); headers = []
for cid, data in blocks:
    if data[:1] == b"\x90" and len(data) > 2 and data[1] >> 5 == 2: headers.append((cid, data))
for i, (cid, data) in enumerate(headers): put("chain", f"header-{i}", data); put("cbor", f"header-{i}", data)
n = 0
for cid, data in blocks:
    if cid[1] != 0x71 or len(data) > 2048: continue
    key = (data[0], len(data) // 256)
    if key in seen: continue
    seen.add(key); put("cbor", f"block-{n:02d}", data); n += 1
    if n >= 24: break

# car: the CAR header and first sections (v1), the same in a CARv2 container, and zstd-compressed
small = header + b"".join(varint(len(s)) + s for s in secs[:4])
put("car", "v1-4-blocks.car", small)
put("car", "v1-roots-only.car", header)
pragma = bytes.fromhex("0aa16776657273696f6e02")
v2 = pragma + bytes(16) + struct.pack("<QQQ", 51, len(small), 0) + small
put("car", "v2-4-blocks.car", v2)
zst = subprocess.run(["zstd", "-q", "-c", "-19"], input=small, capture_output=True, check=True).stdout
put("car", "v1-4-blocks.car.zst", zst)

# cid: CID text in each multibase, binary CIDs, varints, addresses
root = blocks[0][0]
put("cid", "cid-binary", root)
put("cid", "cid-identity", bytes([1, 0x55, 0, 12]) + b"fil/1/system")
import base64
b32 = "b" + base64.b32encode(root).decode().lower().rstrip("=")
put("cid", "cid-base32", b32.encode())
put("cid", "cid-base16", ("f" + root.hex()).encode())
put("cid", "cid-v0", b"QmdfTbBqBPQ7VNxZEYEj14VmRuZBkqFbiwReogJgS1zR1n")
put("cid", "cid-base58", b"zdj7WWeQ43G6JJvLWQWZpyHuAMq6uYWRjkBXFad11vE2LHhQ7")
put("cid", "varint", varint(300) + varint(2**63))
for a in ["f01234", "f1abjxfbp274xpdqcpuaykwkfb43omjotacm2p3za", "t3vvmn62lofvhjd2ugzca6sof2j2ubwok6cj4xxbfzz4yuxfkgobpihhd2thlanmsh3w2ptld2gqkn2jvlss4a",
          "f410fsqp7yfh5wpn2bsf4lqgrrjxsaqahsbe7l5uhi5a", "f2ncmcgsaaqldzcnfxg7d6ebndonotxg4izfzaaxq"]:
    put("cid", "address-" + a[:4], a.encode())

# lotus: frames a node sends
cidj = {"/": b32}
ts = {"Cids": [cidj], "Blocks": [], "Height": 3}
for name, frame in {
    "result-tipset": {"id": 1, "jsonrpc": "2.0", "result": ts},
    "result-cid": {"id": 2, "jsonrpc": "2.0", "result": cidj},
    "result-bytes": {"id": 3, "jsonrpc": "2.0", "result": base64.b64encode(headers[0][1]).decode()},
    "result-chan": {"id": 4, "jsonrpc": "2.0", "result": 7},
    "error": {"error": {"code": 1, "message": "ipld: could not find"}, "id": 5, "jsonrpc": "2.0"},
    "ch-val": {"jsonrpc": "2.0", "method": "xrpc.ch.val", "params": [7, [{"Type": "revert", "Val": ts}, {"Type": "apply", "Val": ts}]]},
    "ch-close": {"jsonrpc": "2.0", "method": "xrpc.ch.close", "params": [7]},
}.items():
    put("lotus", name, (json.dumps(frame, separators=(",", ":")) + "\n").encode())

# chain: messages, signed messages and other small tuples found in the CAR
k = 0
for cid, data in blocks:
    if data[:1] in (b"\x8a", b"\x82", b"\x84", b"\xa3") and len(data) < 1024 and k < 6:
        put("chain", f"tuple-{k}", data); k += 1

# devnet: JSON-RPC requests (single and batch) naming the real header CIDs (the devnet's genesis is mainnet's)
hcids = [{"/": "b" + base64.b32encode(c).decode().lower().rstrip("=")} for c, _ in headers]
reqs = {
    "head": {"jsonrpc": "2.0", "id": 1, "method": "Filecoin.ChainHead", "params": []},
    "genesis": {"jsonrpc": "2.0", "id": "a", "method": "Filecoin.ChainGetGenesis", "params": None},
    "tipset": {"jsonrpc": "2.0", "id": 2, "method": "Filecoin.ChainGetTipSet", "params": [hcids[-1:]]},
    "by-height": {"jsonrpc": "2.0", "id": 3, "method": "Filecoin.ChainGetTipSetByHeight", "params": [2, None]},
    "block": {"jsonrpc": "2.0", "id": 4, "method": "Filecoin.ChainGetBlock", "params": [hcids[-1]]},
    "readobj": {"jsonrpc": "2.0", "id": 5, "method": "Filecoin.ChainReadObj", "params": [hcids[-1]]},
    "hasobj": {"jsonrpc": "2.0", "id": 6, "method": "Filecoin.ChainHasObj", "params": [hcids[0]]},
    "messages": {"jsonrpc": "2.0", "id": 7, "method": "Filecoin.ChainGetBlockMessages", "params": [hcids[-1]]},
    "receipts": {"jsonrpc": "2.0", "id": 8, "method": "Filecoin.ChainGetParentReceipts", "params": [hcids[-1]]},
    "in-tipset": {"jsonrpc": "2.0", "id": 9, "method": "Filecoin.ChainGetMessagesInTipset", "params": [[]]},
    "version": {"jsonrpc": "2.0", "id": 10, "method": "Filecoin.Version"},
    "notify": {"jsonrpc": "2.0", "id": 11, "method": "Filecoin.ChainNotify", "params": []},
}
for name, r in reqs.items():
    put("devnet", name, json.dumps(r, separators=(",", ":")).encode())
put("devnet", "batch", json.dumps([reqs["head"], reqs["readobj"], {"jsonrpc": "2.0", "method": "Filecoin.StateNetworkName"}]).encode())

# ws: what a client sends on the devnet's WebSocket after the upgrade, as frames with the all-zero mask (the payload
# stays plain JSON): one request per frame, fragments, control frames between fragments, close, binary, 16-bit length
def frame(op, payload, fin=True):
    n = len(payload)
    head = bytes([(0x80 if fin else 0) | op])
    head += bytes([0x80 | n]) if n < 126 else bytes([0x80 | 126]) + n.to_bytes(2, "big")
    return head + b"\0\0\0\0" + payload
def req(name):
    return json.dumps(reqs[name], separators=(",", ":")).encode()
put("ws", "head", frame(1, req("head")))
put("ws", "two-requests", frame(1, req("readobj")) + frame(1, req("hasobj")))
put("ws", "notify-cancel", frame(1, req("notify")) + frame(1, b'{"jsonrpc":"2.0","method":"xrpc.cancel","params":[11]}'))
m = req("by-height")
put("ws", "fragments", frame(1, m[:10], fin=False) + frame(0, m[10:20], fin=False) + frame(0, m[20:]))
put("ws", "ping-between-fragments", frame(1, m[:10], fin=False) + frame(9, b"p") + frame(0, m[10:]))
put("ws", "binary", frame(2, req("block")))
put("ws", "long-batch", frame(1, json.dumps([reqs[k] for k in ("head", "tipset", "messages", "receipts")]).encode()))
put("ws", "close", frame(1, req("version")) + frame(8, b"\x03\xe8bye"))
put("ws", "not-json", frame(1, b'{"jsonrpc":"2.0",'))

# http: the snapshot server's own parsing, one line each: request target, Range, representation length, Accept, CID
for name, lines in {
    "piece-range": ["/piece/baga6ea4seaqao7s73y24kcutaosvacpdjgfe5pw76ooefnyqw4ynr3d2y6x2mpq", "bytes=0-99", "1000",
                    "application/vnd.ipld.car", "baga6ea4seaqao7s73y24kcutaosvacpdjgfe5pw76ooefnyqw4ynr3d2y6x2mpq"],
    "snapshot-multi": ["/snapshots/123.car", "bytes=0-9, 20-29,-5", "100", "*/*", ""],
    "boost-last-chunk": ["/snapshots/snap-1.car.zst", "bytes=900-1000", "1000", "", ""],
    "ipfs-query": ["/ipfs/" + hcids[0]["/"] + "?format=car&dag-scope=entity&entity-bytes=0:*", "bytes=5-", "1000",
                   "application/vnd.ipld.car; version=1; q=0.5, application/vnd.ipld.raw", hcids[0]["/"]],
    "encoded": ["/snapshots/%2e%2e%2fetc%2fpasswd?x=%41+b&&=", "bytes=-0", "0", "application/vnd.ipld.raw;q=0", "zQm"],
    "healthz": ["/healthz/", "items=0-1", "", "text/html", "bafy"],
}.items():
    put("http", name, "\n".join(lines).encode())
