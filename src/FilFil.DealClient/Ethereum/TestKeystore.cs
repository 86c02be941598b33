using Nethereum.KeyStore;
using Nethereum.KeyStore.Model;
using Nethereum.Signer;

namespace FilFil.DealClient.Ethereum;

/// <summary>
/// Creates fresh Ethereum accounts as v3 keystore files (scrypt, aes-128-ctr) for test networks such as the
/// devnet's anvil. The key is generated here, written only encrypted, and never returned. The scrypt cost is low
/// (N = 4096) so a test opens a keystore in milliseconds: these files protect test money only, never real funds.
/// </summary>
public static class TestKeystore
{
    /// <summary>Writes a new account's keystore in <paramref name="directory"/> under geth's file name (UTC--date--address).</summary>
    /// <returns>The account's checksummed 0x address and the keystore path.</returns>
    public static (string Address, string Path) Create(string directory, string password)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(password);
        var key = EthECKey.GenerateKey();
        byte[] secret = key.GetPrivateKeyAsBytes();
        try
        {
            string address = key.GetPublicAddress();
            var kdf = new ScryptParams { Dklen = 32, N = 4096, R = 8, P = 1 };
            string json = new KeyStoreScryptService().EncryptAndGenerateKeyStoreAsJson(password, secret, address, kdf);
            Directory.CreateDirectory(directory);
            string path = System.IO.Path.Combine(directory, new KeyStoreService().GenerateUTCFileName(address));
            File.WriteAllText(path, json);
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            return (address, path);
        }
        finally
        {
            Array.Clear(secret);
        }
    }
}
