# Get-FilFilPieceCid against the commP vectors of ../shared/fixtures (go-fil-commcid / FRC-0069, go-fil-commp-hashhash).
BeforeDiscovery {
    # go-fil-commp-hashhash testdata: payloadLen,paddedPieceSize,pieceCIDv1 for payloads of one repeated byte
    $commp = Join-Path $PSScriptRoot '..' '..' '..' 'shared' 'fixtures' 'commp'
    $vectors = foreach ($v in @{ File = 'hashhash-zero.txt'; Fill = 0 }, @{ File = 'hashhash-0xCC.txt'; Fill = 0xCC }) {
        foreach ($line in Get-Content -LiteralPath (Join-Path $commp $v.File)) {
            $size, $padded, $cid = $line.Split(',')
            @{ Fill = $v.Fill; Byte = '0x{0:X2}' -f $v.Fill; Size = [int]$size; Padded = [long]$padded; Cid = $cid }
        }
    }
}

BeforeAll {
    Import-Module ([System.IO.Path]::Combine($PSScriptRoot, '..', '..', 'FilFil.psd1'))
    $fixtures = [System.IO.Path]::GetFullPath([System.IO.Path]::Combine($PSScriptRoot, '..', '..', '..', 'shared', 'fixtures'))
    function New-TestFile([string] $name, [byte[]] $bytes) {
        $p = [System.IO.Path]::Combine($TestDrive, $name)
        [System.IO.File]::WriteAllBytes($p, $bytes)
        $p
    }
}

Describe 'Get-FilFilPieceCid' {
    It 'computes the FRC-0069 vector for 127x00 ++ 127x01 ++ 127x02 ++ 127x03' {
        $d = [byte[]]::new(508)
        for ($i = 0; $i -lt 508; $i++) { $d[$i] = [byte][math]::Floor($i / 127) }
        $r = Get-FilFilPieceCid -Path (New-TestFile 'd.bin' $d)
        $r | Should -BeOfType FilFil.PowerShell.PieceCidResult
        $r.PieceCidV1 | Should -BeExactly 'baga6ea4seaqes3nobte6ezpp4wqan2age2s5yxcatzotcvobhgcmv5wi2xh5mbi'
        $r.PieceCidV2 | Should -BeExactly 'bafkzcibcaaces3nobte6ezpp4wqan2age2s5yxcatzotcvobhgcmv5wi2xh5mbi'
        $r.PayloadSize | Should -Be 508
        $r.PaddedSize | Should -Be 512
        $r.Height | Should -Be 4
        $r.Padding | Should -Be 0
    }

    It 'pads an empty file up to 127 bytes as FRC-0069 does' {
        $r = Get-FilFilPieceCid -LiteralPath (New-TestFile 'empty.bin' ([byte[]]::new(0)))
        $r.PieceCidV2 | Should -BeExactly 'bafkzcibcp4bdomn3tgwgrh3g532zopskstnbrd2n3sxfqbze7rxt7vqn7veigmy'
        $r.PaddedSize | Should -Be 128
        $r.Padding | Should -Be 127
    }

    It 'takes files from the pipeline by value and by property name' -TestCases @(
        @{ Size = 96; Cid = 'baga6ea4seaqdomn3tgwgrh3g532zopskstnbrd2n3sxfqbze7rxt7vqn7veigmy'; Padded = 128 }
        @{ Size = 1017; Cid = 'baga6ea4seaqpy7usqklokfx2vxuynmupslkeutzexe2uqurdg5vhtebhxqmpqmy'; Padded = 2048 }
    ) {
        param($Size, $Cid, $Padded)
        $p = New-TestFile "zero$Size.bin" ([byte[]]::new($Size))
        $byValue = $p | Get-FilFilPieceCid
        $byProperty = [System.IO.FileInfo]::new($p) | Get-FilFilPieceCid
        $byValue.PieceCidV1 | Should -BeExactly $Cid
        $byProperty.PieceCidV1 | Should -BeExactly $Cid
        $byProperty.PaddedSize | Should -Be $Padded
        $byProperty.Path | Should -Be $p
    }

    It 'gives the piece CID of <Size> bytes of <Byte> (go-fil-commp-hashhash)' -ForEach $vectors {
        $name = "fill$Fill-$Size.bin"
        $bytes = [byte[]]::new($Size)
        [System.Array]::Fill($bytes, [byte]$Fill)
        Set-Content -Path "TestDrive:\$name" -Value $bytes -AsByteStream
        $r = Get-FilFilPieceCid -Path "TestDrive:\$name"
        $r.Path | Should -Be (Join-Path $TestDrive $name)
        $r.PayloadSize | Should -Be $Size
        $r.PaddedSize | Should -Be $Padded
        $r.PieceCidV1 | Should -BeExactly $Cid
    }

    It 'takes Get-ChildItem output of TestDrive: from the pipeline' {
        $null = New-Item -ItemType Directory -Path 'TestDrive:\pipe'
        Set-Content -Path 'TestDrive:\pipe\a.bin' -Value ([byte[]]::new(96)) -AsByteStream
        Set-Content -Path 'TestDrive:\pipe\b.bin' -Value ([byte[]]::new(1017)) -AsByteStream
        $r = Get-ChildItem -Path 'TestDrive:\pipe' -Filter '*.bin' | Get-FilFilPieceCid
        $r | Should -HaveCount 2
        $r.PieceCidV1 | Should -Be @('baga6ea4seaqdomn3tgwgrh3g532zopskstnbrd2n3sxfqbze7rxt7vqn7veigmy', 'baga6ea4seaqpy7usqklokfx2vxuynmupslkeutzexe2uqurdg5vhtebhxqmpqmy')
    }

    It 'gives the piece CID of the real chain4 export' {
        $r = Get-FilFilPieceCid ([System.IO.Path]::Combine($fixtures, 'filecoin', 'mainnet-chain4-h0-3.car'))
        $r.PayloadSize | Should -Be 1107835
        $r.PaddedSize | Should -Be 2097152
        $r.PieceCidV1 | Should -Match '^baga6ea4seaq[a-z2-7]{52}$'
        $r.PieceCidV2 | Should -Match '^bafkzcib'
    }

    It 'reports a missing file as ObjectNotFound and goes on with the next file' {
        $ok = New-TestFile 'ok.bin' ([byte[]]::new(127))
        $missing = [System.IO.Path]::Combine($TestDrive, 'missing.bin')
        $err = $null
        $r = Get-FilFilPieceCid -Path $missing, $ok -ErrorVariable err -ErrorAction SilentlyContinue
        $r | Should -HaveCount 1
        $r.PayloadSize | Should -Be 127
        $err | Should -HaveCount 1
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err[0].TargetObject | Should -Be $missing
    }
}
