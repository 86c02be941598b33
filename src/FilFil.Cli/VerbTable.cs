namespace FilFil.Cli;

/// <summary>A fil-fil verb: the cmdlet it runs, and for long-running services the cmdlet that stops them on Ctrl-C.</summary>
public sealed record VerbAlias(string Verb, string Cmdlet, string? StopCmdlet, string Summary);

/// <summary>The verb aliases of fil-fil (<c>fil-fil &lt;verb&gt; --some-arg v</c> runs <c>Cmdlet -SomeArg v</c>).</summary>
public static class VerbTable
{
    public static IReadOnlyList<VerbAlias> All { get; } =
    [
        new("take-snapshot", "New-FilFilSnapshot", null, "write a Lotus-compatible CAR snapshot (a fresh process loads a chain with --bootstrap <car> and/or --lotus <ws-url>)"),
        new("store", "Submit-FilFilDeal", null, "make a storage deal for a snapshot"),
        new("next-window", "Get-FilFilWindow", null, "show the next snapshot window"),
        new("incentivize", "Publish-FilFilCommP", null, "publish a piece commitment to the deal contract"),
        new("devnet", "Start-FilFilDevnet", "Stop-FilFilDevnet", "run a local Lotus-compatible devnet until Ctrl-C"),
        new("serve", "Start-FilFilServer", "Stop-FilFilServer", "serve pieces, snapshot files and blocks over HTTP until Ctrl-C (loopback by default)"),
        new("test-car", "Test-FilFilCar", null, "check a CAR file (hashes, headers, heights)"),
        new("piece-cid", "Get-FilFilPieceCid", null, "compute the piece CID (commP) of a file"),
    ];

    /// <summary>The alias for <paramref name="verb"/> (case-insensitive), or null.</summary>
    public static VerbAlias? Find(string verb) => All.FirstOrDefault(v => v.Verb.Equals(verb, StringComparison.OrdinalIgnoreCase));
}
