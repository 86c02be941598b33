using System.Numerics;
using FilFil.Core.Chain;
using FilFil.Core.Ipld;

namespace FilFil.Devnet;

/// <summary>
/// A Filecoin message in Lotus's 10-field CBOR layout (chain/types/message.go):
/// <c>[Version, To, From, Nonce, Value, GasLimit, GasFeeCap, GasPremium, Method, Params]</c>.
/// A secp256k1 message is stored as SignedMessage <c>[Message, Signature]</c> (chain/types/signedmessage.go).
/// </summary>
public sealed record ChainMessage(ulong Version, byte[] To, byte[] From, ulong Nonce, BigInteger Value, long GasLimit,
    BigInteger GasFeeCap, BigInteger GasPremium, ulong Method, byte[] Params)
{
    public byte[] Encode()
    {
        var w = new CborWriter(128 + Params.Length + From.Length);
        Write(w);
        return w.ToArray();
    }

    internal void Write(CborWriter w)
    {
        w.WriteArray(10).WriteUInt(Version).WriteBytes(To).WriteBytes(From).WriteUInt(Nonce).WriteBigInt(Value)
            .WriteInt(GasLimit).WriteBigInt(GasFeeCap).WriteBigInt(GasPremium).WriteUInt(Method).WriteBytes(Params);
    }

    public static ChainMessage Decode(ReadOnlySpan<byte> data)
    {
        var r = new CborReader(data, 0, "Message");
        var m = Read(ref r);
        r.ExpectEnd();
        return m;
    }

    internal static ChainMessage Read(ref CborReader r)
    {
        r.ReadArrayHeader(10, "a message");
        ulong version = r.ReadUInt64();
        int at = r.Position;
        var to = r.ReadBytes().ToArray();
        Address.Validate(to, at);
        at = r.Position;
        var from = r.ReadBytes().ToArray();
        Address.Validate(from, at);
        ulong nonce = r.ReadUInt64();
        at = r.Position;
        var value = BigIntBytes.Decode(r.ReadBytes(), at);
        long gasLimit = r.ReadInt64();
        at = r.Position;
        var feeCap = BigIntBytes.Decode(r.ReadBytes(), at);
        at = r.Position;
        var premium = BigIntBytes.Decode(r.ReadBytes(), at);
        ulong method = r.ReadUInt64();
        var ps = r.ReadBytes().ToArray();
        return new ChainMessage(version, to, from, nonce, value, gasLimit, feeCap, premium, method, ps);
    }

    public static byte[] EncodeSigned(ChainMessage m, Signature sig)
    {
        var w = new CborWriter(256 + m.Params.Length);
        w.WriteArray(2);
        m.Write(w);
        w.WriteBytes(sig.ToBytes());
        return w.ToArray();
    }

    public static (ChainMessage Message, Signature Signature) DecodeSigned(ReadOnlySpan<byte> data)
    {
        var r = new CborReader(data, 0, "SignedMessage");
        r.ReadArrayHeader(2, "a signed message");
        var m = Read(ref r);
        int at = r.Position;
        var sig = Signature.FromBytes(r.ReadBytes(), at);
        r.ExpectEnd();
        return (m, sig);
    }
}
