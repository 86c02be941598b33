using FilFil.Core;
using FilFil.Core.Ipld;

namespace FilFil.DealClient.Curio;

/// <summary>
/// The contract's <c>getExtraParams</c>: Boost's ContractParamsVersion1 (boost
/// storagemarket/types/contract_deal_proposal_types.go), a cbor-gen tuple
/// <c>[location_ref, car_size, skip_ipni_announce, remove_unsealed_copy]</c>.
/// </summary>
public sealed record ContractExtraParams(string LocationRef, ulong CarSize, bool SkipIpniAnnounce, bool RemoveUnsealedCopy)
{
    /// <exception cref="FilFilFormatException">Not the 4-tuple in DAG-CBOR.</exception>
    public static ContractExtraParams Parse(ReadOnlySpan<byte> cbor)
    {
        var r = new CborReader(cbor, 0, "ExtraParamsV1");
        r.ReadArrayHeader(4, "ExtraParamsV1");
        var p = new ContractExtraParams(r.ReadText(), r.ReadUInt64(), r.ReadBool(), r.ReadBool());
        r.ExpectEnd();
        return p;
    }
}
