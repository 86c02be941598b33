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
}
