using System.Text;

namespace FilFil.Core.Encoding;

/// <summary>The multibase encodings Filecoin uses: base32 lower ('b'), base58btc ('z'), base16 ('f').</summary>
public static class Multibase
{
    private const string B32 = "abcdefghijklmnopqrstuvwxyz234567";
    private const string B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    private static readonly sbyte[] B32Map = BuildMap(B32, ignoreCase: true);
    private static readonly sbyte[] B58Map = BuildMap(B58, ignoreCase: false);

    private static sbyte[] BuildMap(string alphabet, bool ignoreCase)
    {
        var m = new sbyte[128];
        Array.Fill(m, (sbyte)-1);
        for (int i = 0; i < alphabet.Length; i++)
        {
            m[alphabet[i]] = (sbyte)i;
            if (ignoreCase) m[char.ToUpperInvariant(alphabet[i])] = (sbyte)i;
        }
        return m;
    }

    /// <summary>RFC 4648 base32, lower case, no padding (multibase 'b' without the prefix).</summary>
    public static string Base32Lower(ReadOnlySpan<byte> data)
    {
        var sb = new StringBuilder((data.Length * 8 + 4) / 5);
        int buffer = 0, bits = 0;
        foreach (byte b in data)
        {
            buffer = (buffer << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                sb.Append(B32[(buffer >> (bits - 5)) & 31]);
                bits -= 5;
            }
        }
        if (bits > 0) sb.Append(B32[(buffer << (5 - bits)) & 31]);
        return sb.ToString();
    }

    public static byte[] DecodeBase32(ReadOnlySpan<char> s, string what = "base32")
    {
        var outp = new byte[s.Length * 5 / 8];
        int buffer = 0, bits = 0, o = 0;
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            if (c == '=') break;
            int v = c < 128 ? B32Map[c] : -1;
            if (v < 0) throw new FilFilFormatException(what, i, "a base32 character", $"'{c}'");
            buffer = (buffer << 5) | v;
            bits += 5;
            if (bits >= 8)
            {
                outp[o++] = (byte)(buffer >> (bits - 8));
                bits -= 8;
            }
        }
        return o == outp.Length ? outp : outp[..o];
    }

    public static string Base58Btc(ReadOnlySpan<byte> data)
    {
        int zeros = 0;
        while (zeros < data.Length && data[zeros] == 0) zeros++;
        var digits = new byte[data.Length * 138 / 100 + 1];
        int len = 0;
        for (int i = zeros; i < data.Length; i++)
        {
            int carry = data[i];
            for (int j = 0; j < len; j++)
            {
                carry += digits[j] << 8;
                digits[j] = (byte)(carry % 58);
                carry /= 58;
            }
            while (carry > 0) { digits[len++] = (byte)(carry % 58); carry /= 58; }
        }
        var sb = new StringBuilder(zeros + len);
        sb.Append('1', zeros);
        for (int i = len - 1; i >= 0; i--) sb.Append(B58[digits[i]]);
        return sb.ToString();
    }

    public static byte[] DecodeBase58(ReadOnlySpan<char> s, string what = "base58btc")
    {
        int zeros = 0;
        while (zeros < s.Length && s[zeros] == '1') zeros++;
        var bytes = new byte[s.Length * 733 / 1000 + 1];
        int len = 0;
        for (int i = zeros; i < s.Length; i++)
        {
            char c = s[i];
            int carry = c < 128 ? B58Map[c] : -1;
            if (carry < 0) throw new FilFilFormatException(what, i, "a base58btc character", $"'{c}'");
            for (int j = 0; j < len; j++)
            {
                carry += bytes[j] * 58;
                bytes[j] = (byte)carry;
                carry >>= 8;
            }
            while (carry > 0) { bytes[len++] = (byte)carry; carry >>= 8; }
        }
        var result = new byte[zeros + len];
        for (int i = 0; i < len; i++) result[zeros + i] = bytes[len - 1 - i];
        return result;
    }

    public static string Base16(ReadOnlySpan<byte> data) => Convert.ToHexString(data).ToLowerInvariant();

    /// <summary>Decodes a multibase string ('b', 'B', 'z', 'f', 'F' prefixes).</summary>
    public static byte[] Decode(string s, string what = "multibase")
    {
        if (string.IsNullOrEmpty(s)) throw new FilFilFormatException(what, 0, "a multibase prefix", "an empty string");
        var body = s.AsSpan(1);
        try
        {
            return s[0] switch
            {
                'b' or 'B' => DecodeBase32(body, what),
                'z' => DecodeBase58(body, what),
                'f' or 'F' => Convert.FromHexString(body),
                _ => throw new FilFilFormatException(what, 0, "multibase prefix 'b', 'z' or 'f'", $"'{s[0]}'"),
            };
        }
        catch (FilFilFormatException e) when (e.Offset >= 0 && e.InnerException is null && s[0] is 'b' or 'B' or 'z')
        {
            throw e.Rebase(1);
        }
        catch (FormatException e) when (e is not FilFilFormatException)
        {
            throw new FilFilFormatException(what, 1, "hexadecimal digits", e.Message);
        }
    }
}
