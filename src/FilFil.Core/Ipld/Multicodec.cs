namespace FilFil.Core.Ipld;

/// <summary>Multicodec codes used by Filecoin.</summary>
public static class Multicodec
{
    public const ulong Identity = 0x00;
    public const ulong Sha2_256 = 0x12;
    public const ulong Blake2b256 = 0xb220;
    /// <summary>sha2-256-trunc254-padded: the v1 piece CID multihash (go-fil-commcid).</summary>
    public const ulong Sha2_256Trunc254Padded = 0x1012;
    /// <summary>fr32-sha256-trunc254-padbintree: the FRC-0069 v2 piece CID multihash.</summary>
    public const ulong Fr32Sha256Trunc254PadBinTree = 0x1011;
    public const ulong Poseidon_Bls12_381_A2_Fc1 = 0xb401;

    public const ulong Cbor = 0x51;
    public const ulong Raw = 0x55;
    public const ulong DagPb = 0x70;
    public const ulong DagCbor = 0x71;
    public const ulong DagJson = 0x0129;
    public const ulong FilCommitmentUnsealed = 0xf101;
    public const ulong FilCommitmentSealed = 0xf102;

    public static string CodecName(ulong codec) => codec switch
    {
        Cbor => "cbor",
        Raw => "raw",
        DagPb => "dag-pb",
        DagCbor => "dag-cbor",
        DagJson => "dag-json",
        FilCommitmentUnsealed => "fil-commitment-unsealed",
        FilCommitmentSealed => "fil-commitment-sealed",
        _ => $"0x{codec:x}",
    };

    public static string HashName(ulong code) => code switch
    {
        Identity => "identity",
        Sha2_256 => "sha2-256",
        Blake2b256 => "blake2b-256",
        Sha2_256Trunc254Padded => "sha2-256-trunc254-padded",
        Fr32Sha256Trunc254PadBinTree => "fr32-sha256-trunc254-padbintree",
        Poseidon_Bls12_381_A2_Fc1 => "poseidon-bls12_381-a2-fc1",
        _ => $"0x{code:x}",
    };
}
