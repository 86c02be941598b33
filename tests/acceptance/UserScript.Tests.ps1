# A user's scheduled-task function, tested the way users test theirs with Pester: the devnet and a follower start once
# for the whole file (file-level BeforeAll/AfterAll), the function runs for real against them into TestDrive:, and
# Mock replaces FilFil cmdlets to test its failure handling and the arguments it passes.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '..' '..' 'FilFil.psd1')
    $env:FILFIL_HOME = Join-Path $TestDrive 'home'
    $devnet = Start-FilFilDevnet -Seed 41 -Epochs 15 -StateBlocks 256 -ReorgRate 0
    $null = $devnet | Start-FilFilFollower -RecentStateRoots 900

    # The user's function: snapshot the followed head into a folder, verify it (an incomplete snapshot is deleted),
    # keep the newest -Keep snapshots of the folder, and return the piece CIDs to make deals with.
    function Invoke-HourlySnapshot {
        [CmdletBinding()]
        param(
            [Parameter(Mandatory)] [string] $Folder,
            [int] $Keep = 2
        )
        $height = (Get-FilFilFollower).Height
        $snap = New-FilFilSnapshot -Path (Join-Path $Folder "snap-$height.car") -RecentStateRoots 5
        $check = Test-FilFilSnapshot -LiteralPath $snap.Paths
        if (-not $check.Ok) {
            Remove-Item -LiteralPath $snap.Paths
            throw "the snapshot at height $height is incomplete: first missing block $($check.FirstMissing)"
        }
        Get-ChildItem -LiteralPath (Resolve-Path -LiteralPath $Folder) -Filter 'snap-*.car' |
            Sort-Object -Property { [long]($_.BaseName -replace '^snap-', '') } -Descending |
            Select-Object -Skip $Keep |
            Remove-Item
        $snap.Pieces.PieceCidV1
    }
}

AfterAll {
    Stop-FilFilFollower
    $devnet | Stop-FilFilDevnet
    $env:FILFIL_HOME = $null
}

Describe 'Invoke-HourlySnapshot on the devnet' {
    BeforeAll {
        $folder = 'TestDrive:\snapshots'
        $null = New-Item -ItemType Directory -Path $folder
    }

    It 'writes a verified snapshot of the followed head into a TestDrive: folder and returns its piece CID' {
        $cid = Invoke-HourlySnapshot -Folder $folder
        $file = Join-Path $TestDrive 'snapshots' "snap-$($devnet.Height).car"
        $file | Should -Exist
        $cid | Should -Match '^baga6ea4seaq'
        (Get-FilFilPieceCid -LiteralPath $file).PieceCidV1 | Should -Be $cid
        (Get-FilFilSnapshot -Last 1).Paths | Should -Be @($file)
    }

    It 'keeps the newest -Keep snapshots while the chain moves' {
        foreach ($round in 1..3) {
            $devnet | Step-FilFilDevnet -Epochs 3 | Out-Null
            $null = Wait-FilFilHeight -Height $devnet.Height -Timeout '0:1:0'
            $null = Invoke-HourlySnapshot -Folder $folder -Keep 2
        }
        $left = Get-ChildItem -Path $folder -Filter 'snap-*.car'
        $left | Should -HaveCount 2
        ($left.BaseName | Sort-Object) | Should -Be @("snap-$($devnet.Height - 3)", "snap-$($devnet.Height)")
    }
}

Describe 'Invoke-HourlySnapshot with mocked FilFil cmdlets' {
    BeforeAll {
        $folder = 'TestDrive:\mocked'
        $null = New-Item -ItemType Directory -Path $folder
    }

    It 'deletes a snapshot that fails verification and throws' {
        Mock Test-FilFilSnapshot { [pscustomobject]@{ Ok = $false; FirstMissing = 'bafy2bzacemissing' } }
        { Invoke-HourlySnapshot -Folder $folder } | Should -Throw '*incomplete*bafy2bzacemissing*'
        Should -Invoke Test-FilFilSnapshot -Times 1 -Exactly
        # the real New-FilFilSnapshot wrote the file; the function removed it
        Get-ChildItem -Path $folder | Should -BeNullOrEmpty
        (Get-FilFilSnapshot -Last 1).Paths[0] | Should -BeLike '*mocked*snap-*.car'
    }

    It 'snapshots the height the follower reports and verifies the file it wrote' {
        Mock Get-FilFilFollower { [pscustomobject]@{ Height = 1234 } }
        Mock New-FilFilSnapshot { [pscustomobject]@{ Paths = @($Path); Pieces = @([pscustomobject]@{ PieceCidV1 = 'baga6ea4seaqfake' }) } }
        Mock Test-FilFilSnapshot { [pscustomobject]@{ Ok = $true } }
        Invoke-HourlySnapshot -Folder $folder | Should -Be 'baga6ea4seaqfake'
        Should -Invoke New-FilFilSnapshot -Times 1 -Exactly -ParameterFilter { $Path -like '*snap-1234.car' -and $RecentStateRoots -eq 5 }
        Should -Invoke Test-FilFilSnapshot -Times 1 -Exactly -ParameterFilter { $LiteralPath -like '*snap-1234.car' }
    }
}
