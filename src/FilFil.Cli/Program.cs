namespace FilFil.Cli;

/// <summary>Entry point of the <c>fil-fil</c> executable.</summary>
public static class Program
{
    /// <summary>Runs the command line; returns 0 on success, 1 on any error record or terminating error, 2 on usage errors.</summary>
    public static int Main(string[] args) => new CliApp(Console.Out, Console.Error, Console.In).Run(args);
}
