namespace FilFil.Devnet.Evm;

/// <summary>
/// Where the devnet's EVM comes from: anvil and forge from the contracts' npm toolchain
/// (<c>contracts/node_modules/.bin</c>, installed by <c>npm ci</c> in contracts/) and the contracts folder with
/// <c>script/Deploy.s.sol</c>. FILFIL_ANVIL, FILFIL_FORGE and FILFIL_CONTRACTS override each path.
/// </summary>
public sealed record EvmToolchain(string Anvil, string Forge, string Contracts)
{
    public const string AnvilVariable = "FILFIL_ANVIL", ForgeVariable = "FILFIL_FORGE", ContractsVariable = "FILFIL_CONTRACTS";

    /// <summary>
    /// Finds the toolchain: each FILFIL_* variable if set, else the first of <paramref name="searchFrom"/> (and their
    /// parents) holding contracts/script/Deploy.s.sol. Throws <see cref="EvmToolchainException"/> naming what to
    /// install and the command to run when something is missing.
    /// </summary>
    public static EvmToolchain Locate(IEnumerable<string?> searchFrom, Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        string? contracts = environment(ContractsVariable) is { Length: > 0 } c ? Path.GetFullPath(c) : FindContracts(searchFrom);
        if (contracts is null || !File.Exists(Path.Combine(contracts, "script", "Deploy.s.sol")))
            throw new EvmToolchainException(contracts is null
                ? $"the FilFil contracts folder (contracts/script/Deploy.s.sol) was not found above {string.Join(", ", searchFrom.Where(s => s is not null))}: " +
                  $"run from a FilFil source checkout or set {ContractsVariable} to its contracts folder"
                : $"{contracts} has no script/Deploy.s.sol ({ContractsVariable} must name FilFil's contracts folder)");
        string bin = Path.Combine(contracts, "node_modules", ".bin");
        string anvil = environment(AnvilVariable) is { Length: > 0 } a ? Path.GetFullPath(a) : Path.Combine(bin, "anvil");
        string forge = environment(ForgeVariable) is { Length: > 0 } f ? Path.GetFullPath(f) : Path.Combine(bin, "forge");
        foreach (var (tool, path, variable) in new[] { ("anvil", anvil, AnvilVariable), ("forge", forge, ForgeVariable) })
        {
            if (!File.Exists(path))
                throw new EvmToolchainException(
                    $"{tool} was not found at {path}: install Node.js 18 or later with npm (e.g. `apt-get install nodejs npm`), " +
                    $"then run `npm ci` in {contracts} (it installs anvil and forge from @foundry-rs), or set {variable} to a {tool} executable");
            if (IsNodeScript(path) && FindOnPath("node") is null)
                throw new EvmToolchainException(
                    $"{path} runs on Node.js, which is not on PATH: install Node.js 18 or later (e.g. `apt-get install nodejs npm`), " +
                    $"or set {variable} to a native {tool} executable");
        }
        return new EvmToolchain(anvil, forge, contracts);
    }

    private static string? FindContracts(IEnumerable<string?> searchFrom)
    {
        foreach (var start in searchFrom)
        {
            if (string.IsNullOrEmpty(start)) continue;
            for (var dir = new DirectoryInfo(Path.GetFullPath(start)); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "contracts");
                if (File.Exists(Path.Combine(candidate, "script", "Deploy.s.sol"))) return candidate;
            }
        }
        return null;
    }

    /// <summary>npm's .bin entries are links to "#!/usr/bin/env node" scripts.</summary>
    private static bool IsNodeScript(string path)
    {
        try
        {
            using var f = File.OpenRead(path);
            var head = new byte[64];
            int n = f.Read(head, 0, head.Length);
            return System.Text.Encoding.ASCII.GetString(head, 0, n).StartsWith("#!", StringComparison.Ordinal) &&
                   System.Text.Encoding.ASCII.GetString(head, 0, n).Split('\n')[0].Contains("node", StringComparison.Ordinal);
        }
        catch (IOException) { return false; }
        catch (UnauthorizedAccessException) { return false; }
    }

    private static string? FindOnPath(string name)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (var ext in OperatingSystem.IsWindows() ? new[] { ".exe", ".cmd", "" } : new[] { "" })
            {
                var p = Path.Combine(dir, name + ext);
                if (File.Exists(p)) return p;
            }
        }
        return null;
    }
}

/// <summary>The EVM toolchain (Node.js, anvil, forge, the contracts) is missing; the message says what to install.</summary>
public sealed class EvmToolchainException(string message) : FileNotFoundException(message);
