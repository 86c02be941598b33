namespace FilFil.Cli;

public static class Program
{
    public static int Main(string[] args) => Host.Run(args);
}
