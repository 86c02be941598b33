using FilFil.Core.Chain;
using Xunit;

namespace FilFil.Core.Tests.Chain;

public class FilecoinAddressTests
{
    // Text form ↔ byte form (hex), from Trust Wallet wallet-core tests/chains/Filecoin/AddressTests.cpp
    // (validAddresses), whose f0-f3 strings are go-address's own vectors (filecoin-project/go-address address_test.go:
    // allTestAddresses, TestVectorSecp256k1Address, TestVectorActorAddress, TestVectorBLSAddress).
    public static TheoryData<string, string> Vectors => new()
    {
        { "f00", "0000" },
        { "f01", "0001" },
        { "f010", "000a" },
        { "f0150", "009601" },
        { "f0499", "00f303" },
        { "f01024", "008008" },
        { "f01729", "00c10d" },
        { "f0999999", "00bf843d" },
        { "f15ihq5ibzwki2b4ep2f46avlkrqzhpqgtga7pdrq", "01ea0f0ea039b291a0f08fd179e0556a8c3277c0d3" },
        { "f12fiakbhe2gwd5cnmrenekasyn6v5tnaxaqizq6a", "01d1500504e4d1ac3e89ac891a4502586fabd9b417" },
        { "f1wbxhu3ypkuo6eyp6hjx6davuelxaxrvwb2kuwva", "01b06e7a6f0f551de261fe3a6fe182b422ee0bc6b6" },
        { "f1xtwapqc6nh4si2hcwpr3656iotzmlwumogqbuaa", "01bcec07c05e69f92468e2b3e3bf77c874f2c5da8c" },
        { "f1xcbgdhkgkwht3hrrnui3jdopeejsoatkzmoltqy", "01b882619d46558f3d9e316d11b48dcf211327026a" },
        { "f17uoq6tp427uzv7fztkbsnn64iwotfrristwpryy", "01fd1d0f4dfcd7e99afcb99a8326b7dc459d32c628" },
        { "f24vg6ut43yw2h2jqydgbg2xq7x6f4kub3bg6as6i", "02e54dea4f9bc5b47d261819826d5e1fbf8bc5503b" },
        { "f25nml2cfbljvn4goqtclhifepvfnicv6g7mfmmvq", "02eb58bd08a15a6ade19d0989674148fa95a8157c6" },
        { "f2nuqrg7vuysaue2pistjjnt3fadsdzvyuatqtfei", "026d21137eb4c4814269e894d296cf6500e43cd714" },
        { "f24dd4ox4c2vpf5vk5wkadgyyn6qtuvgcpxxon64a", "02e0c7c75f82d55e5ed55db28033630df4274a984f" },
        { "f2gfvuyh7v2sx3patm5k23wdzmhyhtmqctasbr23y", "02316b4c1ff5d4afb7826ceab5bb0f2c3e0f364053" },
        { "f3vvmn62lofvhjd2ugzca6sof2j2ubwok6cj4xxbfzz4yuxfkgobpihhd2thlanmsh3w2ptld2gqkn2jvlss4a", "03ad58df696e2d4e91ea86c881e938ba4ea81b395e12797b84b9cf314b9546705e839c7a99d606b247ddb4f9ac7a3414dd" },
        { "f3wmuu6crofhqmm3v4enos73okk2l366ck6yc4owxwbdtkmpk42ohkqxfitcpa57pjdcftql4tojda2poeruwa", "03b3294f0a2e29e0c66ebc235d2fedca5697bf784af605c75af608e6a63d5cd38ea85ca8989e0efde9188b382f9372460d" },
        { "f3s2q2hzhkpiknjgmf4zq3ejab2rh62qbndueslmsdzervrhapxr7dftie4kpnpdiv2n6tvkr743ndhrsw6d3a", "0396a1a3e4ea7a14d49985e661b22401d44fed402d1d0925b243c923589c0fbc7e32cd04e29ed78d15d37d3aaa3fe6da33" },
        { "f3q22fijmmlckhl56rn5nkyamkph3mcfu5ed6dheq53c244hfmnq2i7efdma3cj5voxenwiummf2ajlsbxc65a", "0386b454258c589475f7d16f5aac018a79f6c1169d20fc33921dd8b5ce1cac6c348f90a3603624f6aeb91b64518c2e8095" },
        { "f3u5zgwa4ael3vuocgc5mfgygo4yuqocrntuuhcklf4xzg5tcaqwbyfabxetwtj4tsam3pbhnwghyhijr5mixa", "03a7726b038022f75a384617585360cee629070a2d9d28712965e5f26ecc40858382803724ed34f2720336f09db631f074" },
        { "f432f77777777x32lpna", "0420ffffffffff" },
        { "f410frw6wy7w6sbsguyn3yzeygg34fgf72n5ao5sxyky", "040a8dbd6c7ede90646a61bbc649831b7c298bfd37a0" },
        { "f410f2oekwcmo2pueydmaq53eic2i62crtbeyuzx2gmy", "040ad388ab098ed3e84c0d808776440b48f685198498" },
    };

    [Theory]
    [MemberData(nameof(Vectors))]
    public void ParsesAndFormatsTheVectors(string text, string hex)
    {
        var a = FilecoinAddress.Parse(text, out char network);
        Assert.Equal('f', network);
        Assert.Equal(hex, Convert.ToHexString(a.Bytes).ToLowerInvariant());
        Assert.Equal(text, a.ToString());
        Assert.Equal("t" + text[1..], a.ToString('t'));
        Assert.Equal(a, FilecoinAddress.Parse("t" + text[1..], out network));
        Assert.Equal('t', network);
        var fromBytes = FilecoinAddress.FromBytes(Convert.FromHexString(hex));
        Assert.Equal(a, fromBytes);
        Assert.Equal(a.GetHashCode(), fromBytes.GetHashCode());
    }

    // go-address address_test.go TestVectorSecp256k1Address / TestVectorActorAddress: the payload is blake2b-160 of
    // the public key (secp256k1, uncompressed) or of the actor's creation bytes.
    [Theory]
    [InlineData("049402fac37e6432a416a3a0ca5426b5185ab3b24f6134efa25ce487c82d2e4e13bf452511e0d2245421f8613bc10d72fa216666a96c3bc13920d3ff233fd0bc05", 1, "f15ihq5ibzwki2b4ep2f46avlkrqzhpqgtga7pdrq")]
    [InlineData("76128190cdf068d1418044acc03e0b6781970d60", 2, "f24vg6ut43yw2h2jqydgbg2xq7x6f4kub3bg6as6i")]
    public void PayloadIsBlake2b160OfTheKey(string inputHex, byte protocol, string text)
    {
        var d = new Org.BouncyCastle.Crypto.Digests.Blake2bDigest(160);
        d.BlockUpdate(Convert.FromHexString(inputHex));
        var hash = new byte[20];
        d.DoFinal(hash);
        var a = FilecoinAddress.Parse(text);
        Assert.Equal(protocol, a.Protocol);
        Assert.Equal(hash, a.Payload.ToArray());
    }

    // f410 <-> 0x: filecoin-project's FEVM docs/wallet-core pair above (0xd388…), and the f4 case of a Lotus-backed CLI
    // test (TestParseAddress: f410fmdqxonrwz5peuit5tlbe6ih6zibu5ys223xctfi = 0x60E1773636CF5E4A227d9AC24F20fEca034ee25A).
    [Theory]
    [InlineData("f410f2oekwcmo2pueydmaq53eic2i62crtbeyuzx2gmy", "0xd388ab098ed3e84c0d808776440b48f685198498")]
    [InlineData("f410fmdqxonrwz5peuit5tlbe6ih6zibu5ys223xctfi", "0x60E1773636CF5E4A227d9AC24F20fEca034ee25A")]
    public void DelegatedEam10IsTheEthereumAddress(string text, string eth)
    {
        var a = FilecoinAddress.Parse(text);
        Assert.True(a.HasEthereumForm);
        Assert.Equal(10UL, a.Namespace);
        Assert.Equal(eth.ToLowerInvariant(), a.ToEthereumHex());
        Assert.Equal(a, FilecoinAddress.FromEthereum(eth));
        Assert.Equal(text, FilecoinAddress.FromEthereum(eth).ToString());
    }

    // Lotus ethtypes: EthAddressFromFilecoinAddress of an ID address is 0xff ‖ 0×11 ‖ big-endian ID (TestParseEthAddr
    // round-trips IDs 1, 2, 3, 100, 101); the market actor f05 is 0xff00000000000000000000000000000000000005, as the
    // contracts' MockActors are etched (contracts/README.md).
    [Theory]
    [InlineData(1UL, "0xff00000000000000000000000000000000000001")]
    [InlineData(5UL, "0xff00000000000000000000000000000000000005")]
    [InlineData(101UL, "0xff00000000000000000000000000000000000065")]
    [InlineData(1234UL, "0xff000000000000000000000000000000000004d2")]
    [InlineData(9223372036854775807UL, "0xff00000000000000000000007fffffffffffffff")]
    public void IdIsTheMaskedEthereumAddress(ulong id, string eth)
    {
        var a = FilecoinAddress.FromId(id);
        Assert.Equal(eth, a.ToEthereumHex());
        var back = FilecoinAddress.FromEthereum(eth);
        Assert.Equal(FilFil.Core.Chain.Address.Id, back.Protocol);
        Assert.Equal(id, back.ActorId);
    }

    [Fact]
    public void MaskedIdsAboveInt64AndNonEthereumProtocolsAreRefused()
    {
        Assert.Throws<FilFilFormatException>(() => FilecoinAddress.FromEthereum("0xff00000000000000000000008000000000000000"));
        Assert.Throws<InvalidOperationException>(() => FilecoinAddress.Parse("f15ihq5ibzwki2b4ep2f46avlkrqzhpqgtga7pdrq").ToEthereum());
        Assert.Throws<InvalidOperationException>(() => FilecoinAddress.Parse("f432f77777777x32lpna").ToEthereum());
        // Lotus TestMaskedIDInF4: an f410 embedding a masked ID has no Ethereum form
        var masked = FilecoinAddress.FromDelegated(10, FilecoinAddress.FromId(100).ToEthereum());
        Assert.False(masked.HasEthereumForm);
        Assert.Throws<InvalidOperationException>(() => masked.ToEthereum());
    }

    [Theory]
    [InlineData("f01234", 1234UL)]
    [InlineData("t01234", 1234UL)]
    [InlineData("1234", 1234UL)]
    [InlineData("f00", 0UL)]
    [InlineData("t09223372036854775807", 9223372036854775807UL)]
    public void ParsesMiners(string text, ulong id) => Assert.Equal(id, FilecoinAddress.ParseMinerId(text));

    [Theory]
    [InlineData("", 0)]
    [InlineData("f1234", 0)]          // f1 is not an ID
    [InlineData("x01234", 0)]
    [InlineData("f0", 0)]
    [InlineData("f012a4", 4)]
    [InlineData("-5", 0)]
    [InlineData("01234", 0)]          // leading zero
    [InlineData("9223372036854775808", 0)]
    public void RefusesBadMiners(string text, long offset)
    {
        var e = Assert.Throws<FilFilFormatException>(() => FilecoinAddress.ParseMinerId(text));
        Assert.Equal(offset, e.Offset);
    }

    // Invalid strings: go-address TestInvalidStringAddresses and wallet-core invalidAddresses, plus our stricter
    // canonical-form rules. Offset is the character where the problem is.
    [Theory]
    [InlineData("Q2gfvuyh7v2sx3patm5k23wdzmhyhtmqctasbr23y", 0)]           // unknown network
    [InlineData("a15ihq5ibzwki2b4ep2f46avlkrqzhpqgtga7pdrq", 0)]
    [InlineData("t9gfvuyh7v2sx3patm5k23wdzmhyhtmqctasbr23y", 1)]           // unknown protocol
    [InlineData("f95ihq5ibzwki2b4ep2f46avlkrqzhpqgtga7pdrq", 1)]
    [InlineData("t2gfvuyh7v2sx3patm5k23wdzmhyhtmqctasbr24y", 34)]          // bad checksum
    [InlineData("f15ihq5ibzwki2b4ep2f46avlkrqzhpqgtga7rdrr", 34)]
    [InlineData("f24vg6ut43yw2h2jqydgbg2xq7x6f4kub3bg6as66", 34)]
    [InlineData("f3vvmn62lofvhjd2ugzca6sof2j2ubwok6cj4xxbfzz4yuxfkgobpihhd2thlanmsh3w2ptld2gqkn2jvlss44", 79)]
    [InlineData("f410f2oekwcmo2pueydmaq53eic2i62crtbeyuzx2gma", 37)]      // wallet-core: checksum of the 0xd388… f410 broken
    [InlineData("t2gfvuyh7v2sx3patm1k23wdzmhyhtmqctasbr24y", 18)]          // '1' is not base32 (go-address: offset 16 of the payload)
    [InlineData("t2gfvuyh7v2sx3paTm1k23wdzmhyhtmqctasbr24y", 16)]          // upper case refused (go-address: 'T' at 14 of the payload)
    [InlineData("t2", 2)]                                                   // too short
    [InlineData("t1234", 2)]                                                // wrong length
    [InlineData("t15ihq5ibzwki2b4ep2f46avlkrqzhpqgtga7pdr", 2)]           // one character short
    [InlineData("t15ihq5ibzwki2b4ep2f46avlkrqzhpqgtga7pdrqa", 2)]         // one too many
    [InlineData("f0vvmn62lofvhjd2ugzca6sof2j2ubwok6cj4xxbfzz4yuxfkgobpihhd2thlanmsh3w2ptld2gqkn2jvlss44", 2)]
    [InlineData("t0banananananannnnnnn", 2)]                                // not decimal
    [InlineData("f0-1", 2)]
    [InlineData("f09223372036854775808", 2)]                                // above 2^63-1 (go-address TestIDMax)
    [InlineData("f018446744073709551616", 2)]
    [InlineData("f001", 2)]                                                 // leading zero
    [InlineData("f418446744073709551615", 22)]                              // no 'f' separator
    [InlineData("f4f77777777vnmsana", 2)]                                   // empty namespace
    [InlineData("f418446744073709551615ftnkyfaq", 2)]                       // namespace above 2^63-1 (go-address parses 63 bits)
    [InlineData("f410f", 5)]                                                // no checksum
    public void RefusesBadText(string text, long offset)
    {
        var e = Assert.Throws<FilFilFormatException>(() => FilecoinAddress.Parse(text));
        Assert.Equal(offset, e.Offset);
        Assert.False(FilecoinAddress.TryParse(text, out _));
    }

    [Fact]
    public void RefusesNonCanonicalTrailingBits()
    {
        // f1 text is 39 chars = 195 bits for 192: the last character carries 3 unused bits that must be zero.
        const string good = "f15ihq5ibzwki2b4ep2f46avlkrqzhpqgtga7pdrq";
        Assert.Equal('q', good[^1]);        // 'q' = 16 = 0b10000: low 3 bits zero
        var e = Assert.Throws<FilFilFormatException>(() => FilecoinAddress.Parse(good[..^1] + "r"));
        Assert.Contains("canonical", e.Message);
    }

    [Fact]
    public void RefusesBadBytes()
    {
        Assert.Throws<FilFilFormatException>(() => FilecoinAddress.FromBytes([]));
        Assert.Throws<FilFilFormatException>(() => FilecoinAddress.FromBytes([5, 1]));                 // unknown protocol
        Assert.Throws<FilFilFormatException>(() => FilecoinAddress.FromBytes([0]));                    // ID without varint
        Assert.Throws<FilFilFormatException>(() => FilecoinAddress.FromBytes(Convert.FromHexString("00ffffffffffffffff80")));
        Assert.Throws<FilFilFormatException>(() => FilecoinAddress.FromBytes(Convert.FromHexString("0080808080808080808001"))); // 2^63
        Assert.Throws<FilFilFormatException>(() => FilecoinAddress.FromBytes(new byte[20]));           // f0 payload of 19 zero bytes: trailing
        var secp = new byte[20]; secp[0] = 1;
        Assert.Throws<FilFilFormatException>(() => FilecoinAddress.FromBytes(secp));                   // 19-byte hash
        var longSub = new byte[2 + 55]; longSub[0] = 4; longSub[1] = 10;
        var e = Assert.Throws<FilFilFormatException>(() => FilecoinAddress.FromBytes(longSub));
        Assert.Equal(2, e.Offset);
        Assert.Equal(54, FilecoinAddress.FromBytes(longSub.AsSpan(0, 2 + 54)).Payload.Length);
    }

    [Fact]
    public void RoundTripsRandomAddresses()
    {
        var rng = new Random(14);
        for (int i = 0; i < 500; i++)
        {
            FilecoinAddress a;
            switch (i % 5)
            {
                case 0: a = FilecoinAddress.FromId((ulong)rng.NextInt64(0, long.MaxValue)); break;
                case 4:
                    var sub = new byte[rng.Next(0, 55)]; rng.NextBytes(sub);
                    a = FilecoinAddress.FromDelegated((ulong)rng.NextInt64(0, 1L << rng.Next(1, 63)), sub); break;
                default:
                    var b = new byte[(i % 5) == 3 ? 49 : 21]; rng.NextBytes(b); b[0] = (byte)(i % 5);
                    a = FilecoinAddress.FromBytes(b); break;
            }
            foreach (char net in "ft")
            {
                var s = a.ToString(net);
                Assert.Equal(a, FilecoinAddress.Parse(s, out char n));
                Assert.Equal(net, n);
            }
            Assert.Equal(a, FilecoinAddress.FromBytes(a.Bytes));
            if (a.HasEthereumForm) Assert.Equal(a, FilecoinAddress.FromEthereum(a.ToEthereum()));
        }
    }
}
