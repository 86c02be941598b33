using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace FilFil.Core.Snapshot;

/// <summary>
/// The temporary files a snapshot or catalog write renames into place: <c>&lt;final&gt;.tmp-&lt;pid&gt;-&lt;guid&gt;</c>.
/// A process killed mid-write (kill -9, power loss) leaves its file behind; the next write in the same folder removes
/// the ones whose process is gone, and the cmdlets' wildcards never match them.
/// </summary>
public static partial class TempFiles
{
    [GeneratedRegex(@"\.tmp-(?<pid>[0-9]{1,10})(-[0-9a-f]{32})?$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    /// <summary>A new temporary name for <paramref name="final"/>, owned by this process.</summary>
    public static string For(string final) =>
        string.Create(CultureInfo.InvariantCulture, $"{final}.tmp-{Environment.ProcessId}-{Guid.NewGuid():N}");

    /// <summary>True when <paramref name="path"/> names such a temporary file.</summary>
    public static bool IsTemporary(string path) => Pattern().IsMatch(Path.GetFileName(path));

    /// <summary>
    /// Deletes the temporary files in <paramref name="directory"/> whose writing process no longer runs (a live
    /// process with the same id keeps its files: a reused id only delays the cleanup). Returns how many it deleted;
    /// files it cannot delete are left.
    /// </summary>
    public static int RemoveStale(string directory)
    {
        int removed = 0;
        IEnumerable<string> candidates;
        try { candidates = Directory.EnumerateFiles(directory, "*.tmp-*"); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return 0; }
        foreach (var file in candidates)
        {
            var m = Pattern().Match(Path.GetFileName(file));
            if (!m.Success || !int.TryParse(m.Groups["pid"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out int pid)) continue;
            if (pid == Environment.ProcessId || IsRunning(pid)) continue;
            try
            {
                File.Delete(file);
                removed++;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
        return removed;
    }

    /// <summary>True while a process with this id runs.</summary>
    internal static bool IsRunning(int pid)
    {
        try
        {
            using var p = Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (ArgumentException) { return false; }   // no such process
        catch (InvalidOperationException) { return false; }
    }
}
