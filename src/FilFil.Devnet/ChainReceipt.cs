using FilFil.Core.Ipld;

namespace FilFil.Devnet;

/// <summary>A receipt in the 4-field (FIP-0049, MessageReceiptV1) layout <c>[ExitCode, Return, GasUsed, EventsRoot]</c>.</summary>
public sealed record ChainReceipt(long ExitCode, byte[] Return, long GasUsed, Cid? EventsRoot)
{
    public byte[] Encode()
    {
        var w = new CborWriter(32 + Return.Length);
        w.WriteArray(4).WriteInt(ExitCode).WriteBytes(Return).WriteInt(GasUsed);
        if (EventsRoot is { } e) w.WriteCid(e); else w.WriteNull();
        return w.ToArray();
    }

    public static ChainReceipt Decode(ReadOnlySpan<byte> data)
    {
        var r = new CborReader(data, 0, "MessageReceipt");
        int n = r.ReadArrayHeader();
        if (n is not (3 or 4)) throw r.Error("a 3- or 4-field receipt", $"{n} fields", 0);
        long exit = r.ReadInt64();
        var ret = r.ReadBytes().ToArray();
        long gas = r.ReadInt64();
        Cid? ev = null;
        if (n == 4 && !r.TryReadNull()) ev = r.ReadCid();
        r.ExpectEnd();
        return new ChainReceipt(exit, ret, gas, ev);
    }
}
