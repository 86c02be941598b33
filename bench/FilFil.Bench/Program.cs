namespace FilFil.Bench;

/// <summary>A benchmark that prints its measurements and ratios (against a limit or a peer measured in the same run).</summary>
public interface IBenchmark
{
    string Name { get; }
    string Description { get; }
    /// <summary>Returns 0 when every ratio meets its target, 1 otherwise.</summary>
    int Run(string[] args);
}

/// <summary>Benchmark entry: `dotnet run -c Release --project bench/FilFil.Bench -- &lt;name|all|list&gt; [options]`.</summary>
public static class Program
{
    public static int Main(string[] args)
    {
        var all = typeof(Program).Assembly.GetTypes()
            .Where(t => typeof(IBenchmark).IsAssignableFrom(t) && !t.IsAbstract && !t.IsInterface)
            .Select(t => (IBenchmark)Activator.CreateInstance(t)!)
            .OrderBy(b => b.Name, StringComparer.Ordinal)
            .ToList();
        string which = args.Length > 0 ? args[0] : "list";
        if (which == "abuse-attacker") return AbuseCampaign.AttackerMain(args[1..]); // the abuse campaign's child process
        if (which == "crash-writer") return CrashCampaign.WriterMain(args[1..]); // the crash campaign's child process
        if (which == "list")
        {
            foreach (var b in all) Console.WriteLine($"{b.Name,-20} {b.Description}");
            return 0;
        }
        var chosen = which == "all" ? all : all.Where(b => string.Equals(b.Name, which, StringComparison.OrdinalIgnoreCase)).ToList();
        if (chosen.Count == 0)
        {
            Console.Error.WriteLine($"unknown benchmark '{which}'; known: {string.Join(", ", all.Select(b => b.Name))}, all, list");
            return 2;
        }
        int rc = 0;
        foreach (var b in chosen)
        {
            Console.WriteLine($"== {b.Name}: {b.Description}");
            rc |= b.Run(args.Skip(1).ToArray());
        }
        return rc;
    }
}
