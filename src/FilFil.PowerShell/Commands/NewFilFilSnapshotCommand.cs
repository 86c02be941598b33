using System.Management.Automation;
using System.Security;
using FilFil.Core.Chain;
using FilFil.Core.Ipld;
using FilFil.Core.Snapshot;
using FilFil.Core.Store;

namespace FilFil.PowerShell.Commands;

/// <summary>
/// New-FilFilSnapshot: writes a Lotus-compatible snapshot of the session engine's chain (Lotus WalkSnapshot order,
/// CARv1 or FRC-0108 v2) with its piece commitment computed in the same pass, atomically (temp file, fsync,
/// rename), and records it in the catalog. The follower keeps running meanwhile. In a session that holds no chain
/// (a fresh process, e.g. <c>fil-fil take-snapshot</c>), -Bootstrap and/or -Lotus get one first: -Bootstrap imports
/// a snapshot as Import-FilFilSnapshot does, -Lotus follows a node until it has caught up with the node's head (or
/// -Height), snapshots, and stops the follower it started.
/// </summary>
[Cmdlet(VerbsCommon.New, "FilFilSnapshot", DefaultParameterSetName = "Head", SupportsShouldProcess = true)]
[OutputType(typeof(SnapshotRecord))]
public sealed class NewFilFilSnapshotCommand : FilFilCmdlet
{
    private FollowerRun? _started;

    /// <summary>Output CAR file (with -PieceSize: the prefix of prefix.000.car, prefix.001.car, ...).</summary>
    [Parameter(Mandatory = true, Position = 0), ValidateNotNullOrEmpty] public string Path { get; set; } = "";
    /// <summary>Snapshot the tipset at this height (or the last one below it, across null rounds). With -Lotus: follow until the head reaches it.</summary>
    [Parameter(ParameterSetName = "Height", Mandatory = true), ValidateRange(0, long.MaxValue)] public long Height { get; set; }
    /// <summary>Snapshot this tipset (its block CIDs).</summary>
    [Parameter(ParameterSetName = "TipSet", Mandatory = true)] public string[] TipSet { get; set; } = [];
    /// <summary>N (Lotus --recent-stateroots): state and messages for heights in (H-N, H], plus genesis state; 0 = genesis state only.</summary>
    [Parameter, ValidateRange(0, long.MaxValue)] public long RecentStateRoots { get; set; }
    /// <summary>Lotus --skip-old-msgs: messages only within the recent window.</summary>
    [Parameter] public SwitchParameter SkipOldMessages { get; set; }
    /// <summary>V1 (roots = head tipset, Lotus ExportV1) or V2 (FRC-0108 metadata root).</summary>
    [Parameter] public SnapshotFormat Format { get; set; } = SnapshotFormat.V1;
    /// <summary>zstd-compress the file (for distribution; deals need the plain CAR, so no piece CID is computed).</summary>
    [Parameter] public SwitchParameter Compress { get; set; }
    /// <summary>Split into pieces that each fit this padded size, a power of two from 1MiB to 64GiB (a sector: 32GiB or 64GiB); each piece gets its piece CID.</summary>
    [Parameter, ValidatePattern("^(?:(?:1|2|4|8|16|32|64|128|256|512)MiB|(?:1|2|4|8|16|32|64)GiB)$")] public string? PieceSize { get; set; }
    /// <summary>When the session holds no chain: import this snapshot first (as Import-FilFilSnapshot does).</summary>
    [Parameter, ValidateNotNullOrEmpty] public string? Bootstrap { get; set; }
    /// <summary>When the session holds no chain: follow this node (ws:// JSON-RPC endpoint) until caught up, snapshot, stop following.</summary>
    [Parameter] public Uri? Lotus { get; set; }
    /// <summary>API token for -Lotus (Lotus: $LOTUS_PATH/token), a SecureString or a plain string; read access needs none.</summary>
    [Parameter, SecureStringTransformation] public SecureString? Token { get; set; }
    /// <summary>
    /// With -Lotus: how long following may take in all (the first head, then catching up with the node's head or
    /// -Height) before the snapshot fails with OperationTimeout and nothing is written (default 10 minutes).
    /// </summary>
    [Parameter] public TimeSpan Timeout { get; set; } = FollowerRun.DefaultFirstHeadTimeout;
    /// <summary>With -Bootstrap/-Lotus: the engine they load keeps every height's messages back to genesis (for a snapshot without -SkipOldMessages).</summary>
    [Parameter] public SwitchParameter KeepAllMessages { get; set; }

    /// <summary>Snapshot the session's chain even when its follower has stopped with a fault or lags the node by more than -MaxLag epochs.</summary>
    [Parameter] public SwitchParameter AllowStale { get; set; }
    /// <summary>Epochs the session's follower may lag the node's head before the snapshot is refused (default 10, five minutes of mainnet).</summary>
    [Parameter, ValidateRange(0, long.MaxValue)] public long MaxLag { get; set; } = FollowerRun.DefaultMaxLag;

    /// <inheritdoc />
    protected override ErrorCategory IOErrorCategory => ErrorCategory.WriteError;

    /// <inheritdoc />
    protected override void ValidateParameters()
    {
        bool load = Bootstrap is not null || Lotus is not null;
        if (Token is not null && Lotus is null)
            ThrowParameterConflict("-Token is the API token of -Lotus; give -Lotus too", "TokenWithoutLotus", "-Token");
        if (MyInvocation.BoundParameters.ContainsKey(nameof(Timeout)) && Lotus is null)
            ThrowParameterConflict("-Timeout bounds how long -Lotus follows the node before the snapshot; give -Lotus too", "TimeoutWithoutLotus", "-Timeout");
        if (Timeout <= TimeSpan.Zero)
            ThrowParameterConflict($"-Timeout must be positive, not {Timeout}", "TimeoutNotPositive", "-Timeout");
        if (Compress && PieceSize is not null)
            ThrowParameterConflict("pieces are plain CARs for deals; zstd output is a single file for distribution: use -Compress or -PieceSize, not both",
                "CompressWithPieceSize", "-Compress, -PieceSize");
        if (KeepAllMessages && !load)
            ThrowParameterConflict("-KeepAllMessages sets up the engine -Bootstrap or -Lotus load; to keep all messages of a session's chain, " +
                "start it with Start-FilFilFollower -KeepAllMessages or Import-FilFilSnapshot -KeepAllMessages", "KeepAllMessagesWithoutLoad", "-KeepAllMessages");
        if (KeepAllMessages && SkipOldMessages)
            ThrowParameterConflict("-KeepAllMessages keeps the old messages that -SkipOldMessages leaves out: use one of them", "KeepAllMessagesWithSkipOldMessages",
                "-KeepAllMessages, -SkipOldMessages");
    }

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        base.EndProcessing();
        string full = GetUnresolvedProviderPathFromPSPath(Path);
        if (!ShouldProcess(full, "Write snapshot")) return;
        bool load = Bootstrap is not null || Lotus is not null;
        if (load && LoadedChain() is { } loaded)
        {
            WriteError(new InvalidOperationException(
                $"-Bootstrap and -Lotus load a chain into a session that holds none, but this session holds {loaded}: " +
                "leave them out to snapshot that chain, or run Clear-FilFilEngine first"), full, "ChainAlreadyLoaded");
            return;
        }
        TryRun(full, () =>
        {
            var req = new TakeSnapshotRequest
            {
                Path = full,
                Height = ParameterSetName == "Height" ? Height : null,
                TipSetKey = ParameterSetName == "TipSet" ? TipSet.Select(Cid.Parse).ToArray() : null,
                RecentStateRoots = RecentStateRoots, SkipOldMessages = SkipOldMessages, Format = Format,
                ZstdLevel = Compress ? 3 : 0,
                PieceSize = PieceSize is null ? null : long.Parse(PieceSize[..^3], System.Globalization.CultureInfo.InvariantCulture) << (PieceSize.EndsWith("GiB", StringComparison.OrdinalIgnoreCase) ? 30 : 20),
            };
            try
            {
                var engine = load ? LoadChain() : FilFilSession.Current.RequireEngine();
                if (!load && !AllowStale && FilFilSession.Current.Follower is { } run && ReferenceEquals(run.ChainStore, engine)
                    && RunEngine("New-FilFilSnapshot", $"asking {run.Endpoint} for its head", 0, (_, ct) => run.StaleReason(MaxLag, ct)) is { } stale)
                {
                    WriteError(new InvalidOperationException($"{stale.Message}: a snapshot now would be stale. Wait for the follower " +
                        "(Wait-FilFilHeight, Get-FilFilFollower), or give -AllowStale to snapshot the chain as it is"), full, stale.Problem);
                    return;
                }
                if (!SkipOldMessages && ChainLoader.OldMessagesMissing(engine) is { } missing)
                {
                    WriteError(new InvalidOperationException(
                        $"a snapshot without -SkipOldMessages keeps every height's messages, but {missing}: give -SkipOldMessages " +
                        "(Lotus --skip-old-msgs) to keep messages only within -RecentStateRoots, or keep all messages from the start: " +
                        "Start-FilFilFollower -KeepAllMessages, Import-FilFilSnapshot -KeepAllMessages (of a snapshot that holds them), " +
                        "or -KeepAllMessages here with -Bootstrap/-Lotus"), full, "OldMessagesNotHeld");
                    return;
                }
                var record = RunEngine("New-FilFilSnapshot", full, 0, (progress, ct) =>
                    SnapshotService.TakeAsync(engine, req, new SnapshotCatalog(), progress, ct).GetAwaiter().GetResult());
                WriteVerbose($"{full}: height {record.Height}, {record.Blocks} blocks, {record.Bytes} bytes in {record.Seconds:F2} s");
                WriteObject(record);
                if (record.CatalogProblem is { } problem)
                    WriteError(new IOException(problem), full, "CatalogNotUpdated");
            }
            catch (Exception e) when (ErrorMapping.Unwrap(e) is BlockUnavailableException missing)
            {
                // the target is what is missing (the block's CID); the message also names the file that was not written
                WriteError(BlockErrorRecord(missing, $"{full} was not written"));
            }
            finally
            {
                StopStartedFollower();
            }
        });
    }

    /// <summary>What the session holds that -Bootstrap/-Lotus would replace, or null when it holds no chain.</summary>
    private static string? LoadedChain()
    {
        if (FilFilSession.Current.Follower is { Running: true } run) return $"the chain of the follower running on {run.Endpoint}";
        if (FilFilSession.Current.ChainStore is { } engine) return engine.Head is { } head ? $"a chain with its head at height {head.Height}" : "an engine";
        return null;
    }

    /// <summary>
    /// Gets a chain into the empty session: -Bootstrap imports a snapshot (installed as Import-FilFilSnapshot does);
    /// -Lotus then starts a follower on it (or on a new engine), installs it as Start-FilFilFollower does and waits
    /// until its head reaches the node's head as of the first check (or -Height).
    /// </summary>
    private ChainStore LoadChain()
    {
        if (Lotus is not null) FollowerRun.CheckEndpoint(Lotus);
        // the engine keeps the default window (as Import-FilFilSnapshot and Start-FilFilFollower), or the snapshot's N if larger
        int window = (int)Math.Clamp(RecentStateRoots, new ChainStoreOptions().RecentStateRoots, int.MaxValue);
        ChainStore? engine = null;
        if (Bootstrap is not null)
        {
            string path = GetUnresolvedProviderPathFromPSPath(Bootstrap);
            engine = RunEngine("New-FilFilSnapshot", $"importing {path}", 0, (_, ct) => ChainLoader.Import(path, window, KeepAllMessages, ct));
            FilFilSession.Current.InstallChain(engine, stopFollower: false);
            WriteVerbose($"imported {path}: head at height {engine.Head!.Height}");
        }
        if (Lotus is null) return engine!;

        var endpoint = Lotus;
        string? token = SecureStringTransformationAttribute.Reveal(Token);
        var target = engine ?? new ChainStore(ChainLoader.Options(window, KeepAllMessages));
        // one bound for the whole follow: a node that never gives a head, or a chain that never reaches -Height, ends
        var deadline = DateTime.UtcNow + Timeout;
        TimeSpan Left() => TimeSpan.FromTicks(Math.Max(0, (deadline - DateTime.UtcNow).Ticks));
        try
        {
            var run = RunEngine("New-FilFilSnapshot", $"following {endpoint}", 0, (_, ct) =>
                FilFilSession.Current.StartFollower(target, endpoint, token, Left(), ct));
            _started = run;
            long height = ParameterSetName == "Height"
                ? Height
                : RunEngine("New-FilFilSnapshot", $"asking {endpoint} for its head", 0, (_, ct) => run.NodeHeadAsync(ct).GetAwaiter().GetResult().Height);
            WriteVerbose($"following {endpoint} from height {target.Head?.Height}; waiting for height {height}");
            RunEngine("New-FilFilSnapshot", $"catching up with {endpoint} to height {height}", 0, (_, ct) => run.WaitForHeight(height, Left(), ct));
        }
        catch (Exception e) when (ErrorMapping.Unwrap(e) is TimeoutException t && Left() == TimeSpan.Zero)
        {
            throw new TimeoutException($"following {endpoint} did not get there within -Timeout {Timeout} ({t.Message}); nothing was written", t);
        }
        return target;
    }

    /// <summary>Stops the follower this call started (and only that one); the engine stays in the session.</summary>
    private void StopStartedFollower()
    {
        if (_started is not { } run) return;
        _started = null;
        run.StopQuietly();
        if (!Stopping) WriteVerbose($"stopped following {run.Endpoint} at height {run.ChainStore.Head?.Height}");
    }
}
