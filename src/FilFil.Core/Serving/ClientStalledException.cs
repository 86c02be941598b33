namespace FilFil.Core.Serving;

/// <summary>
/// The client took no bytes for <see cref="ServerOptions.WriteTimeout"/>, or took them slower than
/// <see cref="ServerOptions.MinSendRate"/> over <see cref="ServerOptions.MinSendRateWindow"/>.
/// </summary>
internal sealed class ClientStalledException : IOException
{
    public ClientStalledException(TimeSpan timeout) : base($"the client took no bytes for {timeout.TotalSeconds:0.#} s") { }

    public ClientStalledException(long minRate, TimeSpan window)
        : base($"the client read slower than {minRate} bytes/s over {window.TotalSeconds:0.#} s") { }
}
