using System.Text;
using FilFil.Core;
using FilFil.Core.Car;
using FilFil.Core.Chain;
using FilFil.Core.Encoding;
using FilFil.Core.Ipld;
using FilFil.Devnet;

namespace FilFil.Fuzz;

/// <summary>
/// One fuzz target per parser. Each takes the raw input and returns normally when the parser either accepted it or
/// refused it with its documented error (<see cref="FilFilFormatException"/>); anything else — another exception,
/// a stack overflow, a hang, or two code paths that disagree — is a finding (<see cref="FuzzFinding"/> or the escaping
/// exception), which afl++ records as a crash.
/// </summary>
internal static class Targets
{
    public static readonly IReadOnlyDictionary<string, Action<byte[]>> All = new Dictionary<string, Action<byte[]>>(StringComparer.Ordinal)
    {
        ["cbor"] = Cbor,
        ["car"] = Car,
        ["chain"] = Chain,
        ["cid"] = CidText,
        ["lotus"] = LotusTarget.Frame,
        ["devnet"] = DevnetTarget.Request,
        ["http"] = HttpTarget.Request,
        ["head"] = HeadTarget.Head,
        ["ws"] = WsTarget.Frames,
    };

    /// <summary>Runs <paramref name="parse"/>; a <see cref="FilFilFormatException"/> is a refusal, not a finding.</summary>
    public static bool Accepts(Action parse)
    {
        try { parse(); return true; }
        catch (FilFilFormatException) { return false; }
    }

    private static void Check(bool ok, string what)
    {
        if (!ok) throw new FuzzFinding(what);
    }

    /// <summary>
    /// DAG-CBOR: the link scanner (fast path with checked fallback) and the checked scanner alone must agree on
    /// acceptance and on every link; an accepted block must also be skippable as exactly one item by <see cref="CborReader"/>.
    /// </summary>
    private static void Cbor(byte[] data)
    {
        var fast = new List<Cid>();
        var checkedLinks = new List<Cid>();
        bool fastOk = Accepts(() => { var v = new Collect(fast); CborLinks.Scan(data, ref v); });
        bool checkedOk = Accepts(() => { var v = new Collect(checkedLinks); CborLinks.ScanChecked(data, ref v, 0); });
        Check(fastOk == checkedOk, $"CborLinks.Scan accepted={fastOk} but ScanChecked accepted={checkedOk}");
        if (!fastOk) return;
        Check(fast.SequenceEqual(checkedLinks), $"fast and checked scanners found different links ({fast.Count} vs {checkedLinks.Count})");
        bool skipOk = Accepts(() => { var r = new CborReader(data); r.SkipItem(); r.ExpectEnd(); });
        Check(skipOk, "a block the link scanner accepts is not one item for CborReader.SkipItem");
    }

    private readonly struct Collect(List<Cid> into) : ILinkVisitor
    {
        public void Visit(ReadOnlySpan<byte> cid) => into.Add(Cid.FromBytes(cid));
    }

    /// <summary>CAR v1, v2 and .car.zst: read every section with hash checks, then the full inspection (header decoding, metadata).</summary>
    private static void Car(byte[] data)
    {
        Accepts(() =>
        {
            using var reader = new CarReader(new MemoryStream(data, writable: false)) { VerifyHashes = true };
            long previous = -1;
            while (reader.TryRead(out var b))
            {
                Check(b.Offset > previous, "CAR section offsets do not increase");
                previous = b.Offset;
                Check(b.Cid.Bytes.SequenceEqual(b.CidBytes.Span), "CarBlock.Cid differs from its bytes");
            }
        });
        Accepts(() =>
        {
            using var reader = new CarReader(new MemoryStream(data, writable: false));
            CarInspector.Inspect(reader, "fuzz", verifyHashes: true);
        });
    }

    /// <summary>
    /// Chain objects: block header (full decode, re-encoded and decoded again to the same fields; the link-only
    /// reader must agree with it), message, signed message, receipt, snapshot metadata, address.
    /// </summary>
    private static void Chain(byte[] data)
    {
        BlockHeader? h = null;
        Accepts(() => h = BlockHeader.Decode(data));
        HeaderLinks? links = null;
        bool linksOk = Accepts(() => links = HeaderLinks.Read(data));
        if (h is not null)
        {
            var again = BlockHeader.Decode(h.Encode());
            Check(again.Encode().AsSpan().SequenceEqual(h.Encode()), "a decoded header does not re-encode stably");
            if (h.Height >= 0)
            {
                Check(linksOk, "HeaderLinks.Read refused a header BlockHeader.Decode accepted");
                Check(links!.Parents.SequenceEqual(h.Parents) && links.Height == h.Height && links.ParentStateRoot == h.ParentStateRoot
                      && links.ParentMessageReceipts == h.ParentMessageReceipts && links.Messages == h.Messages,
                    "HeaderLinks.Read and BlockHeader.Decode disagree");
            }
        }
        Accepts(() =>
        {
            var m = ChainMessage.Decode(data);
            Check(ChainMessage.Decode(m.Encode()).Encode().AsSpan().SequenceEqual(m.Encode()), "a message does not re-encode stably");
        });
        Accepts(() => ChainMessage.DecodeSigned(data));
        Accepts(() => ChainReceipt.Decode(data));
        Accepts(() => SnapshotMetadata.TryDecode(data));
        Accepts(() => FilecoinAddress.FromBytes(data));
    }

    /// <summary>CID, multibase, varint and address text: parse, print, parse again to the same value.</summary>
    private static void CidText(byte[] data)
    {
        int pos = 0;
        ulong v = 0;
        bool varintOk = Accepts(() => v = Varint.Read(data, ref pos));
        if (varintOk) Check(Varint.Encode(v).AsSpan().SequenceEqual(data.AsSpan(0, pos)), "a varint does not re-encode to its bytes");
        Accepts(() =>
        {
            var c = Cid.FromBytes(data);
            Check(Cid.Parse(c.ToString()) == c, "a binary CID does not survive its text form");
        });
        string s = Encoding.UTF8.GetString(data);
        Accepts(() =>
        {
            var c = Cid.Parse(s);
            Check(Cid.Parse(c.ToString()) == c, "a parsed CID does not survive its text form");
        });
        Accepts(() => Multibase.Decode(s));
        Accepts(() =>
        {
            var a = FilecoinAddress.Parse(s, out char net);
            Check(FilecoinAddress.Parse(a.ToString(net)) == a, "an address does not survive its text form");
        });
    }
}

/// <summary>A disagreement or broken invariant found by a target (an afl++ crash).</summary>
internal sealed class FuzzFinding(string message) : Exception(message);
