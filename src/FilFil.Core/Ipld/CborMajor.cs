namespace FilFil.Core.Ipld;

/// <summary>CBOR major types.</summary>
public enum CborMajor : byte { UInt = 0, NegInt = 1, Bytes = 2, Text = 3, Array = 4, Map = 5, Tag = 6, Simple = 7 }
