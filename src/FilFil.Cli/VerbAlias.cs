namespace FilFil.Cli;

/// <summary>
/// A fil-fil verb: the cmdlet it runs and, for a long-running service, the cmdlet that stops it on Ctrl-C (the start
/// output is piped into it).
/// </summary>
public sealed record VerbAlias(string Verb, string Cmdlet, string? StopCmdlet, string Summary);
