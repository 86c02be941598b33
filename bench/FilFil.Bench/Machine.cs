namespace FilFil.Bench;

/// <summary>What else the machine is doing, printed beside wall-clock figures.</summary>
internal static class Machine
{
    /// <summary>The 1-minute load average (Linux; "?" elsewhere), so a reader sees whether other work had the cores.</summary>
    public static string LoadAverage()
    {
        try { return File.ReadAllText("/proc/loadavg").Split(' ')[0]; }
        catch (IOException) { return "?"; }
        catch (UnauthorizedAccessException) { return "?"; }
    }

    /// <summary>
    /// CPU-seconds (user + system, microsecond resolution) of the whole process, threads that have exited included
    /// (<c>getrusage(RUSAGE_SELF)</c>), and of the calling thread (<c>RUSAGE_THREAD</c>); NaN where unavailable.
    /// Unlike wall-clock they do not count the time a thread waits for a core another process holds.
    /// </summary>
    public static (double Process, double Thread) CpuSeconds()
    {
        if (!OperatingSystem.IsLinux()) return (double.NaN, double.NaN);
        return (Usage(0), Usage(1));
    }

    private static unsafe double Usage(int who)
    {
        long* ru = stackalloc long[18]; // struct rusage: ru_utime and ru_stime (timeval), then 14 longs
        if (getrusage(who, ru) != 0) return double.NaN;
        return ru[0] + ru[1] / 1e6 + ru[2] + ru[3] / 1e6;
    }

    /// <summary>
    /// Page faults the process has taken so far that needed no I/O (<c>ru_minflt</c>: first touches of fresh
    /// memory, each one a page the kernel zeroes; a transparent huge page counts once); -1 where unavailable.
    /// </summary>
    public static unsafe long MinorFaults()
    {
        if (!OperatingSystem.IsLinux()) return -1;
        long* ru = stackalloc long[18];
        return getrusage(0, ru) != 0 ? -1 : ru[8];
    }

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
    private static extern unsafe int getrusage(int who, long* usage);
}
