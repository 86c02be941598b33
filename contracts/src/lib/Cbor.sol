// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// @title Minimal DAG-CBOR writer for the shapes the Filecoin actors and Boost exchange with this contract.
/// @notice Integers and lengths are always written in their shortest form (RFC 8949 preferred serialization,
///         which DAG-CBOR requires and which Go's cbor-gen and Rust's serde_ipld_dagcbor both produce).
library CborWriter {
    struct Buf {
        bytes data; // backing store; its length field is the capacity
        uint256 len; // bytes written so far
    }

    uint8 internal constant MAJ_UINT = 0;
    uint8 internal constant MAJ_NEGINT = 1;
    uint8 internal constant MAJ_BYTES = 2;
    uint8 internal constant MAJ_TEXT = 3;
    uint8 internal constant MAJ_ARRAY = 4;
    uint8 internal constant MAJ_TAG = 6;
    uint8 internal constant MAJ_SIMPLE = 7;

    function create(uint256 capacity) internal pure returns (Buf memory b) {
        b.data = new bytes(capacity == 0 ? 32 : capacity);
    }

    function _reserve(Buf memory b, uint256 extra) private pure {
        uint256 need = b.len + extra;
        uint256 cap = b.data.length;
        if (need <= cap) return;
        uint256 newCap = cap * 2;
        if (newCap < need) newCap = need;
        bytes memory grown = new bytes(newCap);
        _copy(b.data, 0, grown, 0, b.len);
        b.data = grown;
    }

    /// @dev Word-wise memory copy (no MCOPY: the contract targets pre-Cancun EVM levels).
    function _copy(bytes memory src, uint256 srcOff, bytes memory dst, uint256 dstOff, uint256 n) private pure {
        assembly {
            let s := add(add(src, 32), srcOff)
            let d := add(add(dst, 32), dstOff)
            for { let i := 0 } lt(i, n) { i := add(i, 32) } { mstore(add(d, i), mload(add(s, i))) }
        }
        // The last word may write up to 31 bytes past dstOff+n: callers reserve 32 bytes of slack, later writes
        // overwrite them and finish() zeroes what is left.
    }

    function _put(Buf memory b, uint8 v) private pure {
        _reserve(b, 1);
        b.data[b.len] = bytes1(v);
        b.len += 1;
    }

    function _putUintBE(Buf memory b, uint256 v, uint256 n) private pure {
        _reserve(b, n);
        for (uint256 i = 0; i < n; i++) {
            b.data[b.len + i] = bytes1(uint8(v >> (8 * (n - 1 - i))));
        }
        b.len += n;
    }

    /// @notice Writes a major type with its argument in shortest form.
    function writeHeader(Buf memory b, uint8 major, uint64 arg) internal pure {
        uint8 m = major << 5;
        if (arg < 24) {
            _put(b, m | uint8(arg));
        } else if (arg <= type(uint8).max) {
            _put(b, m | 24);
            _putUintBE(b, arg, 1);
        } else if (arg <= type(uint16).max) {
            _put(b, m | 25);
            _putUintBE(b, arg, 2);
        } else if (arg <= type(uint32).max) {
            _put(b, m | 26);
            _putUintBE(b, arg, 4);
        } else {
            _put(b, m | 27);
            _putUintBE(b, arg, 8);
        }
    }

    function writeUint(Buf memory b, uint64 v) internal pure {
        writeHeader(b, MAJ_UINT, v);
    }

    /// @notice int64 as CBOR major 0 (>= 0) or major 1 (-1 - n), as Filecoin's ChainEpoch.
    function writeInt(Buf memory b, int64 v) internal pure {
        if (v >= 0) writeHeader(b, MAJ_UINT, uint64(v));
        else writeHeader(b, MAJ_NEGINT, uint64(-(v + 1)));
    }

    function writeBool(Buf memory b, bool v) internal pure {
        _put(b, v ? 0xf5 : 0xf4);
    }

    function writeArrayHeader(Buf memory b, uint64 n) internal pure {
        writeHeader(b, MAJ_ARRAY, n);
    }

    function _writeRaw(Buf memory b, bytes memory v) private pure {
        _reserve(b, v.length + 32); // +32: slack for the word-wise copy's tail
        _copy(v, 0, b.data, b.len, v.length);
        b.len += v.length;
    }

    function writeBytes(Buf memory b, bytes memory v) internal pure {
        writeHeader(b, MAJ_BYTES, uint64(v.length));
        _writeRaw(b, v);
    }

    function writeText(Buf memory b, string memory v) internal pure {
        writeHeader(b, MAJ_TEXT, uint64(bytes(v).length));
        _writeRaw(b, bytes(v));
    }

    /// @notice A CID link: tag 42 over a byte string holding 0x00 (the identity multibase prefix) and the binary CID.
    function writeCid(Buf memory b, bytes memory cid) internal pure {
        _put(b, 0xd8); // major 6, one-byte argument
        _put(b, 42);
        writeHeader(b, MAJ_BYTES, uint64(cid.length + 1));
        _put(b, 0x00);
        _writeRaw(b, cid);
    }

    /// @notice A Filecoin TokenAmount / BigInt: byte string of sign byte + big-endian magnitude; zero is empty.
    function writeBigInt(Buf memory b, uint256 v) internal pure {
        if (v == 0) {
            writeHeader(b, MAJ_BYTES, 0);
            return;
        }
        uint256 n = 0;
        for (uint256 t = v; t != 0; t >>= 8) n++;
        writeHeader(b, MAJ_BYTES, uint64(n + 1));
        _put(b, 0x00);
        _putUintBE(b, v, n);
    }

    /// @notice The written bytes (shares memory with the buffer; the buffer must not be written afterwards).
    function finish(Buf memory b) internal pure returns (bytes memory out) {
        out = b.data;
        uint256 n = b.len;
        uint256 cap = out.length;
        // zero whatever the word-wise copies left between the end and the next word boundary (within capacity)
        for (uint256 i = n; i < cap && i < ((n + 31) / 32) * 32; i++) {
            out[i] = 0;
        }
        assembly {
            mstore(out, n)
        }
    }
}

/// @title Strict DAG-CBOR reader over a memory byte string.
/// @notice Accepts only definite lengths and shortest-form arguments (DAG-CBOR rules); rejects floats,
///         indefinite items and reads past the end. Positions are byte offsets into `d`.
library CborReader {
    error CborTruncated(uint256 pos);
    error CborWrongType(uint256 pos, uint8 expectedMajor, uint8 actualMajor);
    error CborNotMinimal(uint256 pos);
    error CborUnsupported(uint256 pos, uint8 initialByte);
    error CborIntOverflow(uint256 pos);
    error CborBadCid(uint256 pos);
    error CborBadBigInt(uint256 pos);
    error CborTrailingBytes(uint256 pos, uint256 length);

    function _byte(bytes memory d, uint256 p) private pure returns (uint8 v) {
        if (p >= d.length) revert CborTruncated(p);
        assembly {
            v := byte(0, mload(add(add(d, 32), p)))
        }
    }

    function _uintBE(bytes memory d, uint256 p, uint256 n) private pure returns (uint64 v) {
        if (p + n > d.length) revert CborTruncated(p);
        for (uint256 i = 0; i < n; i++) {
            v = (v << 8) | uint64(uint8(d[p + i]));
        }
    }

    /// @notice Reads an item head. For major 7 the argument is the simple value (20 false, 21 true, 22 null).
    function header(bytes memory d, uint256 p) internal pure returns (uint8 major, uint64 arg, uint256 next) {
        uint8 ib = _byte(d, p);
        major = ib >> 5;
        uint8 ai = ib & 0x1f;
        if (ai < 24) return (major, ai, p + 1);
        if (major == 7) revert CborUnsupported(p, ib); // floats and 1-byte simple values are not used
        if (ai == 24) {
            arg = _uintBE(d, p + 1, 1);
            if (arg < 24) revert CborNotMinimal(p);
            return (major, arg, p + 2);
        }
        if (ai == 25) {
            arg = _uintBE(d, p + 1, 2);
            if (arg <= type(uint8).max) revert CborNotMinimal(p);
            return (major, arg, p + 3);
        }
        if (ai == 26) {
            arg = _uintBE(d, p + 1, 4);
            if (arg <= type(uint16).max) revert CborNotMinimal(p);
            return (major, arg, p + 5);
        }
        if (ai == 27) {
            arg = _uintBE(d, p + 1, 8);
            if (arg <= type(uint32).max) revert CborNotMinimal(p);
            return (major, arg, p + 9);
        }
        revert CborUnsupported(p, ib); // 28..30 reserved, 31 indefinite length
    }

    function _expect(bytes memory d, uint256 p, uint8 major) private pure returns (uint64 arg, uint256 next) {
        uint8 m;
        (m, arg, next) = header(d, p);
        if (m != major) revert CborWrongType(p, major, m);
    }

    function readArray(bytes memory d, uint256 p) internal pure returns (uint64 n, uint256 next) {
        return _expect(d, p, 4);
    }

    function readUint(bytes memory d, uint256 p) internal pure returns (uint64 v, uint256 next) {
        return _expect(d, p, 0);
    }

    function readInt(bytes memory d, uint256 p) internal pure returns (int64 v, uint256 next) {
        (uint8 m, uint64 arg, uint256 q) = header(d, p);
        if (m != 0 && m != 1) revert CborWrongType(p, 0, m);
        if (arg > uint64(type(int64).max)) revert CborIntOverflow(p);
        v = m == 0 ? int64(arg) : -1 - int64(arg);
        next = q;
    }

    function readBool(bytes memory d, uint256 p) internal pure returns (bool v, uint256 next) {
        (uint64 arg, uint256 q) = _expect(d, p, 7);
        if (arg == 21) return (true, q);
        if (arg == 20) return (false, q);
        revert CborWrongType(p, 7, 7);
    }

    /// @notice A byte string's payload as (offset, length) into `d`.
    function readBytesRef(bytes memory d, uint256 p) internal pure returns (uint256 start, uint256 len, uint256 next) {
        uint64 n;
        (n, start) = _expect(d, p, 2);
        len = n;
        next = start + len;
        if (next > d.length) revert CborTruncated(start);
    }

    /// @notice A byte string or text string: (major, offset, length) into `d`.
    function readStringRef(bytes memory d, uint256 p)
        internal
        pure
        returns (uint8 major, uint256 start, uint256 len, uint256 next)
    {
        uint64 n;
        (major, n, start) = header(d, p);
        if (major != 2 && major != 3) revert CborWrongType(p, 3, major);
        len = n;
        next = start + len;
        if (next > d.length) revert CborTruncated(start);
    }

    function readBytes(bytes memory d, uint256 p) internal pure returns (bytes memory v, uint256 next) {
        uint256 start;
        uint256 len;
        (start, len, next) = readBytesRef(d, p);
        v = slice(d, start, len);
    }

    /// @notice A tag-42 CID link; returns the binary CID (after the 0x00 multibase byte) as (offset, length).
    function readCidRef(bytes memory d, uint256 p) internal pure returns (uint256 start, uint256 len, uint256 next) {
        (uint64 tag, uint256 q) = _expect(d, p, 6);
        if (tag != 42) revert CborBadCid(p);
        (start, len, next) = readBytesRef(d, q);
        if (len < 2 || uint8(d[start]) != 0) revert CborBadCid(q);
        start += 1;
        len -= 1;
    }

    /// @notice A Filecoin BigInt/TokenAmount byte string (sign byte + big-endian magnitude, empty = 0).
    function readBigInt(bytes memory d, uint256 p) internal pure returns (uint256 v, bool negative, uint256 next) {
        uint256 start;
        uint256 len;
        (start, len, next) = readBytesRef(d, p);
        if (len == 0) return (0, false, next);
        uint8 sign = uint8(d[start]);
        if (sign > 1) revert CborBadBigInt(p);
        negative = sign == 1;
        uint256 i = start + 1;
        uint256 end = start + len;
        while (i < end && d[i] == 0) i++; // tolerate leading zero bytes in the magnitude
        if (end - i > 32) revert CborBadBigInt(p);
        for (; i < end; i++) {
            v = (v << 8) | uint8(d[i]);
        }
    }

    function requireEnd(bytes memory d, uint256 p) internal pure {
        if (p != d.length) revert CborTrailingBytes(p, d.length);
    }

    function slice(bytes memory d, uint256 start, uint256 len) internal pure returns (bytes memory out) {
        if (start + len > d.length) revert CborTruncated(start);
        out = new bytes(len);
        assembly {
            let s := add(add(d, 32), start)
            let o := add(out, 32)
            for { let i := 0 } lt(i, len) { i := add(i, 32) } { mstore(add(o, i), mload(add(s, i))) }
            // clear the tail the last word may have written past `len` (next free memory is beyond it)
            mstore(add(o, len), 0)
        }
    }

    function hashRange(bytes memory d, uint256 start, uint256 len) internal pure returns (bytes32 h) {
        if (start + len > d.length) revert CborTruncated(start);
        assembly {
            h := keccak256(add(add(d, 32), start), len)
        }
    }
}
