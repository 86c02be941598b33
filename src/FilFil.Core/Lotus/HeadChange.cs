using FilFil.Core.Chain;

namespace FilFil.Core.Lotus;

/// <summary>One entry of a ChainNotify batch: Type is "current", "apply" or "revert".</summary>
public sealed record HeadChange(string Type, TipSet Val);
