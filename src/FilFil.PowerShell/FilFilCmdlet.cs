using System.Management.Automation;
using FilFil.Core.Logging;
using Serilog;
using Serilog.Events;

namespace FilFil.PowerShell;

/// <summary>
/// Base of every FilFil cmdlet: a <see cref="CancelToken"/> that Ctrl-C (StopProcessing) cancels; engine work run by
/// <see cref="RunEngine{T}"/> off the pipeline thread while this thread writes its progress and (with -Verbose) the
/// engine's Debug log events as verbose records; exceptions turned into categorized error records
/// (<see cref="CreateErrorRecord"/>, <see cref="TryRun"/>).
/// </summary>
public abstract class FilFilCmdlet : PSCmdlet, IDisposable
{
    private readonly CancellationTokenSource _cancel = new();
    private LogCapture? _capture;
    private bool _disposed;

    /// <summary>Cancelled when the pipeline is stopped (Ctrl-C, Stop()). Pass it to every engine call.</summary>
    protected CancellationToken CancelToken => _cancel.Token;

    /// <summary>Engine logger with this cmdlet's name as source context.</summary>
    protected ILogger Log => _log ??= FilFilLog.For(CommandName);
    private ILogger? _log;

    /// <summary>"Verb-Noun" of this cmdlet (from its <see cref="CmdletAttribute"/>).</summary>
    protected string CommandName => _name ??= GetType().GetCustomAttributes(typeof(CmdletAttribute), false) is [CmdletAttribute a, ..]
        ? $"{a.VerbName}-{a.NounName}" : GetType().Name;
    private string? _name;

    /// <summary>Category for IOExceptions other than not-found/denied: ReadError (default) or WriteError.</summary>
    protected virtual ErrorCategory IOErrorCategory => ErrorCategory.ReadError;

    /// <summary>Progress activity id of this cmdlet's bars.</summary>
    protected virtual int ProgressActivityId => 1;

    /// <summary>True when verbose output is on for this call (-Verbose, or $VerbosePreference = Continue).</summary>
    protected bool IsVerbose
    {
        get
        {
            if (MyInvocation.BoundParameters.TryGetValue("Verbose", out var v))
                return v is SwitchParameter s ? s.IsPresent : LanguagePrimitives.IsTrue(v);
            return GetVariableValue("VerbosePreference") is ActionPreference p && p is ActionPreference.Continue or ActionPreference.Inquire;
        }
    }

    /// <summary>
    /// Checks the command-line parameters against each other once, before any work (called first by
    /// <see cref="BeginProcessing"/>); a conflict stops the command with <see cref="ThrowParameterConflict"/>.
    /// Parameters bound from the pipeline are not known yet here.
    /// </summary>
    protected virtual void ValidateParameters() { }

    /// <inheritdoc />
    protected override void BeginProcessing()
    {
        ValidateParameters();
        if (IsVerbose) _capture = FilFilLog.BeginCapture(LogEventLevel.Debug);
    }

    /// <summary>
    /// Stops the command with a terminating InvalidArgument error (ErrorId <paramref name="errorId"/>, target the
    /// parameters named in <paramref name="parameters"/>), as PowerShell's own cmdlets report conflicting parameters
    /// (WebRequestPSCmdlet.ValidateParameters).
    /// </summary>
    protected void ThrowParameterConflict(string message, string errorId, string parameters) =>
        ThrowTerminatingError(new ErrorRecord(new ValidationMetadataException(message), errorId, ErrorCategory.InvalidArgument, parameters));

    /// <inheritdoc />
    protected override void EndProcessing() => EndCapture();

    /// <inheritdoc />
    protected override void StopProcessing()
    {
        try { _cancel.Cancel(); }
        catch (ObjectDisposedException) { }
    }

    /// <summary>
    /// Runs <paramref name="work"/> on a worker thread with the <see cref="CancelToken"/> and a progress sink, while
    /// the pipeline thread writes throttled progress records ("<paramref name="activity"/>", <paramref name="target"/>,
    /// percentage of <paramref name="total"/> when &gt; 0) and the engine's log events as verbose records. Returns the
    /// result or rethrows the work's exception (unwrapped). Call it from ProcessRecord/EndProcessing only.
    /// </summary>
    protected T RunEngine<T>(string activity, string target, long total, Func<IProgress<long>, CancellationToken, T> work, string? unit = null)
    {
        var progress = new ProgressReporter(ProgressActivityId, activity, target, total, unit);
        var capture = _capture;
        var ct = CancelToken;
        var task = Task.Run(() =>
        {
            using var scope = capture?.Enter();
            return work(progress, ct);
        }, ct);
        var waitHandles = capture is null ? null : new[] { ((IAsyncResult)task).AsyncWaitHandle, capture.Signal.WaitHandle };
        try
        {
            while (!task.IsCompleted)
            {
                if (waitHandles is null) task.Wait(100);
                else WaitHandle.WaitAny(waitHandles, 100);
                if (Stopping) break;
                FlushLog();
                if (progress.TryCreateRecord() is { } r) WriteProgress(r);
            }
            if (!Stopping)
            {
                FlushLog();
                if (progress.Started) WriteProgress(progress.CreateCompletedRecord());
            }
        }
        catch (PipelineStoppedException)
        {
            WaitForCancelledWork(task);
            throw;
        }
        if (Stopping)
        {
            // Do not leave engine work running behind a stopped pipeline: it observes CancelToken promptly.
            WaitForCancelledWork(task);
            throw new PipelineStoppedException();
        }
        try
        {
            return task.GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (Stopping)
        {
            throw new PipelineStoppedException();
        }
    }

    private static void WaitForCancelledWork(Task task)
    {
        try { task.Wait(); }
        catch (AggregateException) { /* the cancellation or failure of stopped work is not reported */ }
    }

    /// <summary>Void flavour of <see cref="RunEngine{T}"/>.</summary>
    protected void RunEngine(string activity, string target, long total, Action<IProgress<long>, CancellationToken> work) =>
        RunEngine<object?>(activity, target, total, (p, ct) => { work(p, ct); return null; });

    /// <summary>Writes the engine log events collected so far as verbose records (pipeline thread only).</summary>
    protected void FlushLog()
    {
        if (_capture is null) return;
        foreach (var line in _capture.Drain()) WriteVerbose(line);
    }

    /// <summary>
    /// Runs <paramref name="action"/> for one input item; an exception becomes a non-terminating error about
    /// <paramref name="target"/> and the pipeline goes on with the next item. Returns false if it failed.
    /// Pipeline stops (Ctrl-C, -ErrorAction Stop) propagate.
    /// </summary>
    protected bool TryRun(object? target, Action action)
    {
        try
        {
            action();
            return true;
        }
        catch (Exception e) when (e is not (PipelineStoppedException or ActionPreferenceStopException))
        {
            var inner = ErrorMapping.Unwrap(e);
            if (inner is OperationCanceledException && Stopping) throw new PipelineStoppedException();
            WriteError(CreateErrorRecord(inner, target));
            return false;
        }
    }

    /// <summary>
    /// An error record for <paramref name="e"/>: category from <see cref="ErrorMapping.Classify"/>, ErrorId the
    /// problem name (e.g. "FormatError", or <paramref name="problem"/> when given; PowerShell appends the command type
    /// itself: "FormatError,FilFil.PowerShell.Commands.TestFilFilCarCommand"), target object <paramref name="target"/>.
    /// </summary>
    protected ErrorRecord CreateErrorRecord(Exception e, object? target, string? problem = null)
    {
        e = ErrorMapping.Unwrap(e);
        var (category, defaultProblem) = ErrorMapping.Classify(e, IOErrorCategory);
        var record = new ErrorRecord(e, problem ?? defaultProblem, category, target);
        string message = ErrorMapping.UserMessage(e);
        if (target is string path && !message.Contains(path, StringComparison.Ordinal))
            record.ErrorDetails = new ErrorDetails($"{path}: {message}");
        else if (!ReferenceEquals(message, e.Message))
            record.ErrorDetails = new ErrorDetails(message);
        return record;
    }

    /// <summary>
    /// The error record of a block that is missing, or that a node keeps failing: its CID as the target (what is
    /// wrong), and the message after <paramref name="context"/> (e.g. the file not written, or the node's endpoint).
    /// </summary>
    protected ErrorRecord BlockErrorRecord(FilFil.Core.Store.BlockUnavailableException e, string context)
    {
        var error = CreateErrorRecord(e, e.Cid.ToString());
        error.ErrorDetails = new ErrorDetails($"{context}: {ErrorMapping.UserMessage(e)}");
        return error;
    }

    /// <summary>Writes a non-terminating error built by <see cref="CreateErrorRecord"/>.</summary>
    protected void WriteError(Exception e, object? target, string? problem = null) => WriteError(CreateErrorRecord(e, target, problem));

    /// <summary>Stops with a terminating error built by <see cref="CreateErrorRecord"/>.</summary>
    protected void ThrowTerminatingError(Exception e, object? target, string? problem = null) =>
        ThrowTerminatingError(CreateErrorRecord(e, target, problem));

    private void EndCapture()
    {
        if (_capture is null) return;
        try { FlushLog(); }
        catch (InvalidOperationException) { /* not on the pipeline thread any more */ }
        _capture.Dispose();
        _capture = null;
    }

    /// <summary>Releases the token source and closes a log capture left open by a stopped pipeline.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _capture?.Dispose();
        _capture = null;
        _cancel.Dispose();
        GC.SuppressFinalize(this);
    }
}
