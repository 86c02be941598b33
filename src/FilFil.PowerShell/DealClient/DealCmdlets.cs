using FilFil.Core.Config;

namespace FilFil.PowerShell.DealClient;

/// <summary>What the window and deal cmdlets share.</summary>
internal static class DealCmdlets
{
    /// <summary>The miners given, else the config file's miner, else an error naming -Miner and Set-FilFilConfig.</summary>
    public static IEnumerable<ulong> Miners(ulong[]? given, FilFilSettings settings) =>
        given is { Length: > 0 } ? given
        : settings.Miner is { } m ? [m]
        : throw ParameterError(
            "no miner is given: use -Miner f01234 (or pipe a window or provider), set FILFIL_MINER, or store it with Set-FilFilConfig -Miner", "Miner");

    /// <summary>An InvalidArgument error about a cmdlet parameter (its name, not a C# parameter's).</summary>
    public static System.Management.Automation.PSArgumentException ParameterError(string message, string parameter) => new(message, parameter);

}
