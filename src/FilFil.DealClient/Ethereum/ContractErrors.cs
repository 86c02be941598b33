using System.Globalization;
using System.Numerics;
using Nethereum.ABI.FunctionEncoding;
using Nethereum.ABI.Model;
using Nethereum.Hex.HexConvertors.Extensions;
using Nethereum.Util;

namespace FilFil.DealClient.Ethereum;

/// <summary>
/// The custom errors FilFilDealClient (and its extensions and libraries) revert with, as declared in contracts/src
/// (tests/FilFil.DealClient.Tests checks this list against the forge ABI), plus Solidity's Error(string) and
/// Panic(uint256). <see cref="Decode"/> turns revert data into "Name(arg: value, ...)".
/// </summary>
public static class ContractErrors
{
    /// <summary>Error declarations, parameter names included, exactly as in the Solidity source.</summary>
    public static readonly IReadOnlyList<string> Declarations =
    [
        "ActorBadCodec(uint64 actorId, uint64 method, uint64 codec)",
        "ActorCallFailed(uint64 actorId, uint64 method)",
        "AlreadyRegistered(uint64 provider)",
        "BadIdAddress()",
        "BadSectorStatus(uint64 status)",
        "CarSizeMismatch(uint64 staged, uint64 given)",
        "CborBadBigInt(uint256 pos)",
        "CborBadCid(uint256 pos)",
        "CborIntOverflow(uint256 pos)",
        "CborNotMinimal(uint256 pos)",
        "CborTrailingBytes(uint256 pos, uint256 length)",
        "CborTruncated(uint256 pos)",
        "CborUnsupported(uint256 pos, uint8 initialByte)",
        "CborWrongType(uint256 pos, uint8 expectedMajor, uint8 actualMajor)",
        "ClientCollateralTooHigh(uint256 proposed)",
        "CollateralLocked(uint64 until)",
        "CoolingDown(uint64 until)",
        "DealNotLive(uint64 dealId)",
        "DurationOutOfRange(int64 duration)",
        "EndBeyondLifetime(int64 end)",
        "InsufficientCollateral(uint256 sent, uint256 required)",
        "InsufficientRewardPool(uint256 available, uint256 wanted)",
        "InvalidCarSize(uint32 index)",
        "InvalidMinerId(uint64 minerId)",
        "InvalidParams(string what)",
        "InvalidPieceCid(uint32 index)",
        "InvalidPieceSize(uint32 index)",
        "InvalidUrl()",
        "IsPaused()",
        "LabelMismatch()",
        "MarketCallFailed(int256 exitCode)",
        "NegativeTokenAmount()",
        "NoEligibleProvider(uint64 slot)",
        "NoOpenWindow(uint64 slot)",
        "NoPieces()",
        "NotAMiner(uint64 actorId)",
        "NotController(uint64 provider)",
        "NotDataCapActor(address caller)",
        "NotMarketActor(address caller)",
        "NotMinerController(uint64 minerId, address caller)",
        "NotMinerOwner(uint64 minerId, address caller)",
        "NotOfferedTerms(int64 start, int64 end)",
        "NotOwner()",
        "NotPaused()",
        "NotPayee(uint64 dealId)",
        "NotPendingOwner()",
        "NotProposer(address caller)",
        "NotRegistered(uint64 provider)",
        "NothingToClaim(uint64 dealId)",
        "NothingToOffer(uint64 slot)",
        "NothingToSettle(uint256 assignment)",
        "OnlyThroughClient()",
        "OutsideWindow(uint64 first, uint64 last, uint256 epoch)",
        "PieceAlreadyDealt(uint64 provider, uint64 slot, uint32 pieceIndex)",
        "PieceAlreadyStaged(uint32 index)",
        "PieceSizeMismatch(uint64 staged, uint64 proposed)",
        "PriceTooHigh(uint256 proposed, uint256 max)",
        "ProposalExists(bytes32 id)",
        "ProviderCapReached(uint256 cap)",
        "ProviderCollateralMismatch(uint256 proposed, uint256 required)",
        "ProviderNotAssigned(uint64 provider, uint64 slot)",
        "ProviderNotIdAddress()",
        "ProviderNotRegistered(uint64 provider)",
        "Reentrancy()",
        "SectorCallFailed(uint64 minerId, int256 exit)",
        "SlotExists(uint64 slot)",
        "SlotHasDeals(uint64 slot)",
        "SlotRetired(uint64 slot)",
        "StartEpochOutOfRange(int64 start)",
        "TimelockPending(uint64 executableAt)",
        "TooManyPieces()",
        "TransferFailed()",
        "UnknownDeal(uint64 dealId)",
        "UnknownPiece()",
        "UnknownPieceIndex(uint64 slot, uint32 pieceIndex)",
        "UnknownProposal(bytes32 id)",
        "UnknownSlot(uint64 slot)",
        "UnsupportedCodec(uint64 codec)",
        "UnsupportedMethod(uint64 method)",
        "VerifiedMismatch()",
        "WindowNotClosed(uint64 lastWindowEnd)",
        "WrongArrayLength(uint256 expected, uint256 actual)",
        "WrongClient()",
        "WrongReceiverType(uint32 t)",
        "ZeroAddress()",
        // Solidity's own: require(cond, "text") and assert/overflow panics.
        "Error(string message)",
        "Panic(uint256 code)",
    ];

    private static readonly Dictionary<string, ErrorABI> BySelector = Declarations.Select(Parse).ToDictionary(e => e.Sha3Signature, StringComparer.OrdinalIgnoreCase);

    /// <summary>The ABI of one declaration ("Name(type name, ...)").</summary>
    public static ErrorABI Parse(string declaration)
    {
        int open = declaration.IndexOf('(');
        var name = declaration[..open];
        var inner = declaration[(open + 1)..^1];
        var ps = inner.Length == 0 ? [] : inner.Split(", ").Select((p, i) =>
        {
            var parts = p.Split(' ');
            return new Parameter(parts[0], parts[1], i + 1);
        }).ToArray();
        return new ErrorABI(name) { InputParameters = ps };
    }

    /// <summary>The canonical signature ("Name(type,type)") whose keccak gives the selector.</summary>
    public static string Signature(string declaration)
    {
        var abi = Parse(declaration);
        return abi.Name + "(" + string.Join(",", abi.InputParameters.Select(p => p.Type)) + ")";
    }

    /// <summary>
    /// Revert data (0x selector ‖ ABI-encoded arguments) as "Name(arg: value, ...)", with the error's name apart.
    /// Unknown selectors give "unknown error 0x12345678"; empty data "no reason given".
    /// </summary>
    public static (string Name, string Text) Decode(string? revertData)
    {
        var hex = revertData?.Trim() ?? "";
        if (hex.StartsWith("0x", StringComparison.OrdinalIgnoreCase)) hex = hex[2..];
        if (hex.Length < 8) return ("", "no reason given (empty revert data)");
        var selector = hex[..8].ToLowerInvariant();
        if (!BySelector.TryGetValue(selector, out var abi)) return ("", $"unknown error 0x{selector}");
        try
        {
            var values = new ParameterDecoder().DecodeDefaultData(hex[8..], abi.InputParameters);
            var args = values.Select(v => $"{v.Parameter.Name}: {Format(v.Result)}");
            return (abi.Name, $"{abi.Name}({string.Join(", ", args)})");
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return (abi.Name, $"{abi.Name}(undecodable arguments)");
        }
    }

    /// <summary>
    /// The revert data a Nethereum or JSON-RPC exception (or one of its inner exceptions) carries: Nethereum's
    /// decoded-revert exceptions keep it, and a node's error response holds it in "data" (anvil and Lotus both).
    /// Null when the exception is no revert.
    /// </summary>
    public static string? RevertData(Exception? e)
    {
        for (; e != null; e = e.InnerException)
        {
            switch (e)
            {
                case Nethereum.Contracts.SmartContractCustomErrorRevertException c:
                    return c.ExceptionEncodedData;
                case SmartContractRevertException r:
                    return r.EncodedData ?? "";
                case Nethereum.JsonRpc.Client.RpcResponseException { RpcError: { } err }:
                    var data = err.Data?.ToString();
                    if (data is { Length: >= 10 } && data.StartsWith("0x", StringComparison.OrdinalIgnoreCase)) return data;
                    if (err.Message?.Contains("revert", StringComparison.OrdinalIgnoreCase) == true) return data ?? "";
                    break;
            }
        }
        return null;
    }

    private static string Format(object? value) => value switch
    {
        null => "null",
        byte[] b => b.ToHex(true),
        string s => s.StartsWith("0x", StringComparison.Ordinal) ? s : "\"" + s + "\"",
        BigInteger i => i.ToString(CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
