namespace FilFil.Cli;

/// <summary>
/// The verbs of fil-fil: <c>fil-fil &lt;verb&gt; a b --some-arg v</c> runs <c>Cmdlet -SomeArg 'v' -FirstPositional 'a','b'</c>
/// (see <see cref="VerbTranslator"/>). A verb whose cmdlet the module does not export yet is a usage error.
/// </summary>
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
        new("test-car", "Test-FilFilCar", null, "check CAR files (hashes, headers, heights)"),
        new("piece-cid", "Get-FilFilPieceCid", null, "compute the piece CID (commP) of files"),
    ];

    /// <summary>The alias for <paramref name="verb"/> (case-insensitive), or null.</summary>
    public static VerbAlias? Find(string verb) => All.FirstOrDefault(v => v.Verb.Equals(verb, StringComparison.OrdinalIgnoreCase));
}
