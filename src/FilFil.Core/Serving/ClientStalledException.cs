namespace FilFil.Core.Serving;

/// <summary>The client stopped taking bytes for longer than <see cref="ServerOptions.WriteTimeout"/>.</summary>
internal sealed class ClientStalledException(TimeSpan timeout) : IOException($"the client took no bytes for {timeout.TotalSeconds:0.#} s");
