using FilFil.Core;
using FilFil.Core.Ipld;

namespace FilFil.DealClient.Curio;

/// <summary>
/// Curio's answer to a deal, <c>mk12.DealResponse{Accepted, Message}</c> (market/mk12/types.go, cbor-gen map:
/// <c>{"Message": text, "Accepted": bool}</c>); Message is the rejection reason, empty when accepted.
/// </summary>
public sealed record Mk12DealResponse(bool Accepted, string Message)
{
    /// <exception cref="FilFilFormatException">Not a DealResponse map.</exception>
    public static Mk12DealResponse Parse(ReadOnlySpan<byte> cbor)
    {
        var r = new CborReader(cbor, 0, "Curio DealResponse");
        int n = r.ReadMapHeader();
        bool? accepted = null;
        string message = "";
        for (int i = 0; i < n; i++)
        {
            switch (r.ReadText())
            {
                case "Accepted": accepted = r.ReadBool(); break;
                case "Message": message = r.ReadText(); break;
                default: r.SkipItem(); break; // cbor-gen skips fields it does not know
            }
        }
        r.ExpectEnd();
        if (accepted is null) throw r.Error("a DealResponse with an Accepted field", "none");
        return new Mk12DealResponse(accepted.Value, message);
    }

    /// <summary>The response as Curio writes it (for tests and peers): cbor-gen's key order.</summary>
    public byte[] Encode()
    {
        var w = new CborWriter(64 + Message.Length);
        w.WriteMap(2).WriteText("Message").WriteText(Message).WriteText("Accepted").WriteBool(Accepted);
        return w.ToArray();
    }
}
