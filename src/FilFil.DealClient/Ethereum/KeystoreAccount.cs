using System.Net;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Security;
using Nethereum.KeyStore;
using Nethereum.Web3.Accounts;

namespace FilFil.DealClient.Ethereum;

/// <summary>
/// Loads an Ethereum v3 keystore (Web3 Secret Storage: scrypt or pbkdf2, aes-128-ctr) with its password into a
/// signing account. The password and the key never leave this call except inside Nethereum's Account; errors name
/// the file, never the password.
/// </summary>
public static class KeystoreAccount
{
    public static Account Load(string path, SecureString password, BigInteger chainId)
    {
        ArgumentNullException.ThrowIfNull(password);
        IntPtr p = IntPtr.Zero;
        try
        {
            p = Marshal.SecureStringToGlobalAllocUnicode(password);
            return Load(path, Marshal.PtrToStringUni(p, password.Length), chainId);
        }
        finally
        {
            if (p != IntPtr.Zero) Marshal.ZeroFreeGlobalAllocUnicode(p);
        }
    }

    public static Account Load(string path, NetworkCredential credential, BigInteger chainId)
    {
        ArgumentNullException.ThrowIfNull(credential);
        return Load(path, credential.SecurePassword, chainId);
    }

    internal static Account Load(string path, string password, BigInteger chainId)
    {
        ArgumentNullException.ThrowIfNull(path);
        string json;
        try { json = File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new KeystoreException($"cannot read the keystore {path}: {e.Message}", e);
        }
        byte[] key;
        try { key = new KeyStoreService().DecryptKeyStoreFromJson(password, json); }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Nethereum says "Cannot derive the same mac as the one provided from the cipher and derived key" for a
            // wrong password; keep its message out (it is harmless, but the user needs the plain reason).
            throw new KeystoreException($"cannot decrypt the keystore {path}: wrong password or not a v3 keystore ({e.GetType().Name})", e);
        }
        try { return new Account(key, chainId); }
        finally { Array.Clear(key); }
    }
}
