using System.Buffers.Binary;
using System.Globalization;
using FilFil.Core.Encoding;

namespace FilFil.Core.Chain;

/// <summary>
/// A validated Filecoin address (f0 ID, f1 secp256k1, f2 actor, f3 BLS, f4 delegated), with its text form as
/// go-address writes it: network letter ('f' mainnet, 't' testnets), protocol digit, then the decimal ID (f0), or
/// base32 (RFC 4648, lower case, no padding) of payload ‖ checksum, where the checksum is blake2b-32 over the byte
/// form (protocol byte ‖ payload). f4 writes its namespace in decimal and an 'f' before the base32 part.
/// Also the two Ethereum forms FEVM uses: an f410 address is the 20-byte Ethereum address in namespace 10 (the EAM),
/// and an ID address is the "masked" Ethereum address 0xff ‖ 11 zero bytes ‖ big-endian ID.
/// </summary>
/// <remarks>
/// Stricter than go-address where it costs nothing: upper-case base32 and non-canonical trailing bits are refused
/// (so one address has one text), as are leading zeros in IDs and namespaces. IDs and namespaces are limited to
/// 2^63-1 as go-address does (ParseUint with 63 bits).
/// </remarks>
public sealed class FilecoinAddress : IEquatable<FilecoinAddress>
{
    /// <summary>The Ethereum Address Manager's actor ID: the namespace of f410 addresses.</summary>
    public const ulong EamNamespace = 10;
    /// <summary>go-address MaxSubaddressLen: the longest delegated sub-address.</summary>
    public const int MaxSubaddressLength = 54;
    private const int PayloadHashLength = 20, BlsPublicKeyLength = 48, ChecksumLength = 4;
    private const string What = "Filecoin address";

    private readonly byte[] _bytes;

    private FilecoinAddress(byte[] bytes) => _bytes = bytes;

    /// <summary>Protocol: 0 ID, 1 secp256k1, 2 actor, 3 BLS, 4 delegated (see <see cref="Address"/>).</summary>
    public byte Protocol => _bytes[0];

    /// <summary>The byte form (protocol byte ‖ payload) as it appears in CBOR and in the contract.</summary>
    public ReadOnlySpan<byte> Bytes => _bytes;

    public byte[] ToBytes() => (byte[])_bytes.Clone();

    /// <summary>The actor ID of an f0 address; null for the other protocols.</summary>
    public ulong? ActorId
    {
        get
        {
            if (Protocol != Address.Id) return null;
            int p = 1;
            return Varint.Read(_bytes, ref p);
        }
    }

    /// <summary>The namespace (an actor ID) of an f4 address; null for the other protocols.</summary>
    public ulong? Namespace
    {
        get
        {
            if (Protocol != Address.Delegated) return null;
            int p = 1;
            return Varint.Read(_bytes, ref p);
        }
    }

    /// <summary>The payload after the protocol byte; for f4 the sub-address after the namespace.</summary>
    public ReadOnlySpan<byte> Payload
    {
        get
        {
            if (Protocol != Address.Delegated) return _bytes.AsSpan(1);
            int p = 1;
            Varint.Read(_bytes, ref p);
            return _bytes.AsSpan(p);
        }
    }

    public static FilecoinAddress FromId(ulong id)
    {
        if (id > long.MaxValue) throw new ArgumentOutOfRangeException(nameof(id), id, "actor IDs are at most 2^63-1");
        return new FilecoinAddress(Address.FromId(id));
    }

    /// <summary>An f4 address: namespace (an actor ID) and sub-address of at most 54 bytes.</summary>
    public static FilecoinAddress FromDelegated(ulong ns, ReadOnlySpan<byte> subaddress)
    {
        if (ns > long.MaxValue) throw new ArgumentOutOfRangeException(nameof(ns), ns, "namespaces are at most 2^63-1");
        if (subaddress.Length > MaxSubaddressLength)
            throw new ArgumentException($"a delegated sub-address has at most {MaxSubaddressLength} bytes, not {subaddress.Length}", nameof(subaddress));
        var b = new byte[1 + Varint.Size(ns) + subaddress.Length];
        b[0] = Address.Delegated;
        int n = Varint.Write(b.AsSpan(1), ns);
        subaddress.CopyTo(b.AsSpan(1 + n));
        return new FilecoinAddress(b);
    }

    /// <summary>
    /// The Filecoin address of a 20-byte Ethereum address: a masked ID address (0xff ‖ 0×11 ‖ id) becomes f0{id},
    /// any other becomes f410. Lotus refuses f410 addresses that embed a masked ID; so does this.
    /// </summary>
    public static FilecoinAddress FromEthereum(ReadOnlySpan<byte> eth)
    {
        if (eth.Length != 20) throw new FilFilFormatException("Ethereum address", 0, "20 bytes", $"{eth.Length} bytes");
        if (IsMaskedId(eth))
        {
            ulong id = BinaryPrimitives.ReadUInt64BigEndian(eth[12..]);
            if (id > long.MaxValue) throw new FilFilFormatException("Ethereum address", 12, "a masked actor ID of at most 2^63-1", id.ToString(CultureInfo.InvariantCulture));
            return FromId(id);
        }
        return FromDelegated(EamNamespace, eth);
    }

    /// <summary>Parses "0x" and 40 hex digits (any case) and converts as <see cref="FromEthereum(ReadOnlySpan{byte})"/>.</summary>
    public static FilecoinAddress FromEthereum(string hex) => FromEthereum(ParseEthereumHex(hex));

    /// <summary>The 20 bytes of "0x" + 40 hex digits.</summary>
    public static byte[] ParseEthereumHex(string hex)
    {
        ArgumentNullException.ThrowIfNull(hex);
        if (!hex.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
            throw new FilFilFormatException("Ethereum address", 0, "\"0x\" and 40 hex digits", Quote(hex));
        if (hex.Length != 42) throw new FilFilFormatException("Ethereum address", Math.Min(hex.Length, 42), "\"0x\" and 40 hex digits", $"{hex.Length - 2} digits");
        for (int i = 2; i < hex.Length; i++)
            if (!char.IsAsciiHexDigit(hex[i])) throw new FilFilFormatException("Ethereum address", i, "a hex digit", $"'{hex[i]}'");
        return Convert.FromHexString(hex.AsSpan(2));
    }

    /// <summary>True for 0xff ‖ 11 zero bytes ‖ 8 bytes: the Ethereum form of an actor ID.</summary>
    public static bool IsMaskedId(ReadOnlySpan<byte> eth) =>
        eth.Length == 20 && eth[0] == 0xff && eth[1..12].IndexOfAnyExcept((byte)0) < 0;

    /// <summary>True when the address has an Ethereum form: f0, or f410 with a 20-byte sub-address.</summary>
    public bool HasEthereumForm =>
        Protocol == Address.Id || (Namespace == EamNamespace && Payload.Length == 20 && !IsMaskedId(Payload));

    /// <summary>The Ethereum address: the masked ID of an f0, the sub-address of an f410.</summary>
    /// <exception cref="InvalidOperationException">For f1/f2/f3 and other f4 namespaces, which have none.</exception>
    public byte[] ToEthereum()
    {
        if (Protocol == Address.Id)
        {
            var e = new byte[20];
            e[0] = 0xff;
            BinaryPrimitives.WriteUInt64BigEndian(e.AsSpan(12), ActorId!.Value);
            return e;
        }
        if (!HasEthereumForm) throw new InvalidOperationException($"{this} has no Ethereum address (only f0 and f410 addresses have one)");
        return Payload.ToArray();
    }

    /// <summary>"0x" and 40 lower-case hex digits.</summary>
    public string ToEthereumHex() => "0x" + Convert.ToHexString(ToEthereum()).ToLowerInvariant();

    /// <summary>Validates a byte form (protocol byte ‖ payload) as go-address's NewFromBytes does.</summary>
    public static FilecoinAddress FromBytes(ReadOnlySpan<byte> bytes, long offset = 0)
    {
        Address.Validate(bytes, offset);
        if (bytes[0] == Address.Id)
        {
            int p = 1;
            if (Varint.Read(bytes, ref p) > long.MaxValue) throw new FilFilFormatException(What, offset + 1, "an actor ID of at most 2^63-1", "a larger one");
        }
        else if (bytes[0] == Address.Delegated)
        {
            int p = 1;
            ulong ns = Varint.Read(bytes, ref p, offset, What);
            if (ns > long.MaxValue) throw new FilFilFormatException(What, offset + 1, "a namespace of at most 2^63-1", "a larger one");
            if (bytes.Length - p > MaxSubaddressLength)
                throw new FilFilFormatException(What, offset + p, $"a sub-address of at most {MaxSubaddressLength} bytes", $"{bytes.Length - p} bytes");
        }
        return new FilecoinAddress(bytes.ToArray());
    }

    /// <summary>
    /// Parses the text form. <paramref name="network"/> receives the network letter ('f' or 't'). Errors are
    /// <see cref="FilFilFormatException"/> with the character offset of the problem.
    /// </summary>
    public static FilecoinAddress Parse(string text, out char network)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length < 3) throw new FilFilFormatException(What, text.Length, "a network letter, a protocol digit and a payload", Quote(text));
        network = text[0];
        if (network != 'f' && network != 't') throw new FilFilFormatException(What, 0, "network 'f' (mainnet) or 't' (testnet)", $"'{text[0]}'");
        char proto = text[1];
        switch (proto)
        {
            case '0':
                return FromId(ParseDecimal(text, 2, text.Length, "an actor ID"));
            case '1':
            case '2':
            case '3':
            {
                byte protocol = (byte)(proto - '0');
                int payloadLength = protocol == Address.Bls ? BlsPublicKeyLength : PayloadHashLength;
                var raw = DecodeBase32(text, 2, payloadLength + ChecksumLength);
                var bytes = new byte[1 + payloadLength];
                bytes[0] = protocol;
                raw.AsSpan(0, payloadLength).CopyTo(bytes.AsSpan(1));
                CheckChecksum(text, bytes, raw.AsSpan(payloadLength));
                CheckCanonical(text, 2, raw);
                return new FilecoinAddress(bytes);
            }
            case '4':
            {
                int sep = text.IndexOf('f', 2);
                if (sep < 0) throw new FilFilFormatException(What, text.Length, "'f' after the namespace of a delegated address", "the end");
                ulong ns = ParseDecimal(text, 2, sep, "a namespace");
                int rawLength = Base32Length(text.Length - sep - 1);
                if (rawLength < ChecksumLength || rawLength > MaxSubaddressLength + ChecksumLength)
                    throw new FilFilFormatException(What, sep + 1, $"a sub-address of at most {MaxSubaddressLength} bytes and a checksum", $"{text.Length - sep - 1} base32 characters");
                var raw = DecodeBase32(text, sep + 1, rawLength);
                var a = FromDelegated(ns, raw.AsSpan(0, rawLength - ChecksumLength));
                CheckChecksum(text, a._bytes, raw.AsSpan(rawLength - ChecksumLength));
                CheckCanonical(text, sep + 1, raw);
                return a;
            }
            default:
                throw new FilFilFormatException(What, 1, "protocol 0, 1, 2, 3 or 4", $"'{proto}'");
        }
    }

    public static FilecoinAddress Parse(string text) => Parse(text, out _);

    public static bool TryParse(string? text, out FilecoinAddress? address)
    {
        address = null;
        if (text is null) return false;
        try { address = Parse(text); return true; }
        catch (FilFilFormatException) { return false; }
    }

    /// <summary>
    /// A miner (or any actor) given by ID as cmdlets accept it: "f01234", "t01234" or "1234". Returns the ID.
    /// </summary>
    public static ulong ParseMinerId(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string s = text.Trim();
        int skip = s.Length > 0 && char.IsAsciiDigit(s[0]) ? 0 : 2;
        if (skip == 2)
        {
            if (s.Length < 3 || (s[0] != 'f' && s[0] != 't') || s[1] != '0')
                throw new FilFilFormatException("miner", 0, "a miner ID as f01234, t01234 or 1234", Quote(text));
        }
        return ParseDecimal(s, skip, s.Length, "a miner ID");
    }

    /// <summary>The text form with the given network letter ('f' or 't').</summary>
    public string ToString(char network)
    {
        if (network != 'f' && network != 't') throw new ArgumentOutOfRangeException(nameof(network), network, "the network letter is 'f' or 't'");
        return Address.ToString(_bytes, network);
    }

    public override string ToString() => ToString('f');

    public bool Equals(FilecoinAddress? other) => other is not null && _bytes.AsSpan().SequenceEqual(other._bytes);
    public override bool Equals(object? obj) => obj is FilecoinAddress a && Equals(a);
    public override int GetHashCode()
    {
        var h = new HashCode();
        h.AddBytes(_bytes);
        return h.ToHashCode();
    }
    public static bool operator ==(FilecoinAddress? a, FilecoinAddress? b) => a is null ? b is null : a.Equals(b);
    public static bool operator !=(FilecoinAddress? a, FilecoinAddress? b) => !(a == b);

    private static ulong ParseDecimal(string text, int start, int end, string expected)
    {
        if (start >= end) throw new FilFilFormatException(What, start, expected + " in decimal", "nothing");
        if (end - start > 1 && text[start] == '0') throw new FilFilFormatException(What, start, expected + " without leading zeros", Quote(text[start..end]));
        ulong v = 0;
        for (int i = start; i < end; i++)
        {
            char c = text[i];
            if (!char.IsAsciiDigit(c)) throw new FilFilFormatException(What, i, "a decimal digit", $"'{c}'");
            if (v > (long.MaxValue - (ulong)(c - '0')) / 10) throw new FilFilFormatException(What, start, expected + " of at most 2^63-1", Quote(text[start..end]));
            v = v * 10 + (ulong)(c - '0');
        }
        return v;
    }

    private static int Base32Length(int chars) => chars * 5 / 8;

    private static byte[] DecodeBase32(string text, int start, int expectedBytes)
    {
        int chars = text.Length - start;
        if (Base32Length(chars) != expectedBytes || (expectedBytes * 8 + 4) / 5 != chars)
            throw new FilFilFormatException(What, start, $"{(expectedBytes * 8 + 4) / 5} base32 characters ({expectedBytes} bytes with the checksum)", $"{chars}");
        for (int i = start; i < text.Length; i++)
        {
            char c = text[i];
            if (!((c >= 'a' && c <= 'z') || (c >= '2' && c <= '7')))
                throw new FilFilFormatException(What, i, "a lower-case base32 character (a-z, 2-7)", $"'{c}'");
        }
        return Multibase.DecodeBase32(text.AsSpan(start), What);
    }

    /// <summary>After the checksum (a typo should read as one): the unused low bits of the last character are zero.</summary>
    private static void CheckCanonical(string text, int start, ReadOnlySpan<byte> raw)
    {
        if (!string.Equals(Multibase.Base32Lower(raw), text[start..], StringComparison.Ordinal))
            throw new FilFilFormatException(What, text.Length - 1, "canonical base32 (zero trailing bits)", Quote(text[start..]));
    }

    private static void CheckChecksum(string text, ReadOnlySpan<byte> bytes, ReadOnlySpan<byte> checksum)
    {
        Span<byte> want = stackalloc byte[ChecksumLength];
        var d = new Org.BouncyCastle.Crypto.Digests.Blake2bDigest(ChecksumLength * 8);
        d.BlockUpdate(bytes);
        d.DoFinal(want);
        if (!want.SequenceEqual(checksum))
            throw new FilFilFormatException(What, Math.Max(2, text.Length - 7), "a matching checksum (blake2b-32 of protocol and payload)", $"a wrong checksum in {Quote(text)}");
    }

    private static string Quote(string s) => s.Length > 100 ? $"\"{s[..100]}…\"" : $"\"{s}\"";
}
