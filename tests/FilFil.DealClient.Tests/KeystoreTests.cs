using System.Net;
using System.Security;
using FilFil.DealClient.Ethereum;
using Nethereum.KeyStore;
using Xunit;

namespace FilFil.DealClient.Tests;

public sealed class KeystoreTests : IDisposable
{
    // The Web3 Secret Storage Definition's PBKDF2-SHA-256 test vector (ethereum/wiki Web3-Secret-Storage-Definition,
    // also in ethereum.org docs/data-structures-and-encoding/web3-secret-storage): password "testpassword",
    // secret 7a28b5ba…fe9d, address 0x008aeeda4d805471df9b2a5b0f38a0c3bcba786b.
    private const string Pbkdf2Vector = """
        {"crypto":{"cipher":"aes-128-ctr","cipherparams":{"iv":"6087dab2f9fdbbfaddc31a909735c1e6"},
        "ciphertext":"5318b4d5bcd28de64ee5559e671353e16f075ecae9f99c7a79a38af5f869aa46","kdf":"pbkdf2",
        "kdfparams":{"c":262144,"dklen":32,"prf":"hmac-sha256","salt":"ae3cd4e7013836a3df6bd7241b12db061dbe2c6785853cce422d148a624ce0bd"},
        "mac":"517ead924a9d0dc3124507e3393d175ce3ff7c1e96529c6c555ce9e51205e9b2"},
        "id":"3198bc9c-6672-5ab3-d995-4942343ae5b6","version":3}
        """;

    private readonly string _dir = Directory.CreateTempSubdirectory("filfil-keystore-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static SecureString Secure(string s)
    {
        var ss = new SecureString();
        foreach (var c in s) ss.AppendChar(c);
        ss.MakeReadOnly();
        return ss;
    }

    [Fact]
    public void OpensTheSecretStorageVector()
    {
        var path = Path.Combine(_dir, "vector.json");
        File.WriteAllText(path, Pbkdf2Vector);
        var account = KeystoreAccount.Load(path, Secure("testpassword"), 314);
        Assert.Equal("0x008aeeda4d805471df9b2a5b0f38a0c3bcba786b", account.Address.ToLowerInvariant());
        Assert.Equal("0x7a28b5ba57c53603b0b07b56bba752f7784bf506fa95edc395f5cf6c7514fe9d", account.PrivateKey.ToLowerInvariant());
        Assert.Equal(314, account.ChainId);
    }

    [Fact]
    public void OpensAScryptKeystoreWithACredential()
    {
        // anvil's default account #1 (mnemonic "test test ... junk")
        const string address = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
        var key = Convert.FromHexString("59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d");
        var path = Path.Combine(_dir, "scrypt.json");
        File.WriteAllText(path, new KeyStoreService().EncryptAndGenerateDefaultKeyStoreAsJson("correct horse", key, address));
        var account = KeystoreAccount.Load(path, new NetworkCredential("ignored", "correct horse"), 31337);
        Assert.Equal(address, account.Address);
    }

    [Fact]
    public void AWrongPasswordIsAClearErrorWithoutThePassword()
    {
        var path = Path.Combine(_dir, "vector.json");
        File.WriteAllText(path, Pbkdf2Vector);
        const string guess = "hunter2-not-it";
        var e = Assert.Throws<KeystoreException>(() => KeystoreAccount.Load(path, Secure(guess), 1));
        Assert.Contains(path, e.Message);
        Assert.Contains("wrong password", e.Message);
        Assert.DoesNotContain(guess, e.ToString());
        var missing = Assert.Throws<KeystoreException>(() => KeystoreAccount.Load(Path.Combine(_dir, "nope.json"), Secure("x"), 1));
        Assert.Contains("nope.json", missing.Message);
        File.WriteAllText(path, "{\"not\":\"a keystore\"}");
        Assert.Throws<KeystoreException>(() => KeystoreAccount.Load(path, Secure("x"), 1));
    }
}
