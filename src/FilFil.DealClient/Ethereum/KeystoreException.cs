namespace FilFil.DealClient.Ethereum;

/// <summary>A keystore could not be read or decrypted. The message names the file, never the password.</summary>
public sealed class KeystoreException : Exception
{
    public KeystoreException(string message, Exception? inner = null) : base(message, inner) { }
}
