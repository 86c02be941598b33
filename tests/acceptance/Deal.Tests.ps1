# Get-FilFilWindow | Submit-FilFilDeal on Start-FilFilDevnet -Evm (anvil with FilFilDealClient, script/Deploy.s.sol
# and the actor stand-ins): two providers (the devnet's miner stand-ins 1001 and 1002) registered, slot 100 published with the piece CID of a file this session's
# FilFil server serves, slot 101 published after it (their windows on 101 are upcoming). Boost backend (proposeDeal
# only), Curio backend against a loopback MK12 listener that checks what curio's market/mk12/http handler requires,
# and the refusals: window not open (no gas spent), no window at all, piece CID mismatch, no server and no -Url;
# -Unsigned and -WhatIf; an -Unsigned Curio proposal submitted to Curio afterwards with -TransactionHash / -ProposalId.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '..' '..' 'FilFil.psd1')
    foreach ($dll in 'Nethereum.Util.dll', 'FilFil.DealClient.dll', 'FilFil.Core.dll') {
        Add-Type -LiteralPath ([System.IO.Path]::GetFullPath((Join-Path $PSScriptRoot '..' '..' 'bin' $dll)))
    }

    $env:FILFIL_HOME = Join-Path $TestDrive 'home'
    $env:FILFIL_CONFIG = Join-Path $TestDrive 'config.json'
    $null = New-Item -ItemType Directory -Path $env:FILFIL_HOME
    $script:devnet = Start-FilFilDevnet -Evm -StateBlocks 64 -EvmProviders 2
    . (Join-Path $PSScriptRoot 'EvmAccounts.ps1')
    $script:common = @{ RpcUrl = $devnet.RpcUrl; Contract = $devnet.Contract }
    $script:chainId = $devnet.ChainId
    # [0] the operator, [1] and [2] the providers controlling the miner stand-ins f01001 and f01002
    $script:accountNames = 'Operator', 'Provider1', 'Provider2'
    $script:addresses = $accountNames | ForEach-Object { (Get-TestAccount $_).Address }

    function ConvertTo-HexText([byte[]] $b) { [Convert]::ToHexString($b).ToLowerInvariant() }
    function ConvertTo-AbiWord([System.Numerics.BigInteger] $v) { $v.ToString('x64').Substring($v.ToString('x64').Length - 64) }
    function Get-AbiSelector([string] $sig) { [Nethereum.Util.Sha3Keccack]::Current.CalculateHash($sig).Substring(0, 8) }
    function ConvertTo-AbiBytes([byte[]] $b) { (ConvertTo-AbiWord $b.Length) + (ConvertTo-HexText $b).PadRight([Math]::Ceiling($b.Length / 32) * 64, '0') }
    function Send-SetupTransaction([int] $From, [string] $To, [string] $Data, [System.Numerics.BigInteger] $Value = 0) {
        Send-TestTransaction -From $accountNames[$From] -To $To -Data ('0x' + $Data) -Value $Value
    }
    function Get-CallData($fn) {
        $m = [FilFil.DealClient.Ethereum.UnsignedTransaction].GetMethod('For').MakeGenericMethod($fn.GetType())
        $m.Invoke($null, @($devnet.Contract, $fn, [System.Numerics.BigInteger]$chainId)).Data.Substring(2)
    }
    $script:fil = [System.Numerics.BigInteger]::Pow(10, 18)

    $null = Send-SetupTransaction 0 $devnet.Contract (Get-CallData ([FilFil.DealClient.Messages.FundRewardsFunction]::new())) (10 * $fil)
    foreach ($m in @(@{ Id = 1001; Account = 1 }, @{ Id = 1002; Account = 2 })) {
        $reg = [FilFil.DealClient.Messages.RegisterFunction]@{ MinerId = $m.Id; RetrievalUrl = "http://127.0.0.1/$($m.Id)" }
        $null = Send-SetupTransaction $m.Account $devnet.Contract (Get-CallData $reg) (10 * $fil)
    }

    # the "snapshots" this provider took: one piece file per height, in the catalog the server and Submit-FilFilDeal read
    $rng = [System.Random]::new(14)
    function New-Piece([long] $Height, [int] $Size) {
        $bytes = [byte[]]::new($Size); $rng.NextBytes($bytes)
        $path = Join-Path $TestDrive "snapshot-$Height.car"
        [System.IO.File]::WriteAllBytes($path, $bytes)
        $p = Get-FilFilPieceCid -LiteralPath $path
        [pscustomobject]@{ Height = $Height; Path = $path; PieceCidV1 = $p.PieceCidV1; PieceCidV2 = $p.PieceCidV2; PayloadSize = $p.PayloadSize; PaddedSize = $p.PaddedSize }
    }
    function Write-Catalog($pieces) {
        $records = foreach ($p in $pieces) {
            @{ Height = $p.Height; TipSetKey = @(); Paths = @($p.Path); Format = 'lotus'; Bytes = $p.PayloadSize
               Pieces = @(@{ Path = $p.Path; PieceCidV1 = $p.PieceCidV1; PieceCidV2 = $p.PieceCidV2; PayloadSize = $p.PayloadSize; PaddedSize = $p.PaddedSize })
               Created = [DateTimeOffset]::UtcNow.ToString('o') }
        }
        ConvertTo-Json -InputObject @($records) -Depth 5 | Set-Content -LiteralPath (Join-Path $env:FILFIL_HOME 'catalog.json')
    }
    $script:piece100 = New-Piece 100 1500
    $script:piece101 = New-Piece 101 1800
    Write-Catalog @($piece100, $piece101)
    foreach ($p in $piece100, $piece101) {
        $in = [FilFil.DealClient.Messages.PieceInput]@{ PieceCid = [FilFil.Core.Ipld.Cid]::Parse($p.PieceCidV1).ToArray(); PaddedSize = $p.PaddedSize; CarSize = $p.PayloadSize }
        $list = [System.Collections.Generic.List[FilFil.DealClient.Messages.PieceInput]]::new(); $list.Add($in)
        $null = Send-SetupTransaction 0 $devnet.Contract (Get-CallData ([FilFil.DealClient.Messages.PublishSlotFunction]@{ Slot = $p.Height; Pieces = $list }))
    }

    $l = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0); $l.Start(); $port = $l.LocalEndpoint.Port; $l.Stop()
    $script:prefix = "http://127.0.0.1:$port/"
    $null = Start-FilFilServer -Prefix $prefix

    $script:cred = $devnet.EvmCredential
    $script:password = $cred.GetNetworkCredential().Password
    $script:keystore1 = (Get-TestAccount Provider1).KeystorePath
    $script:keystore2 = (Get-TestAccount Provider2).KeystorePath

    # a loopback Curio market: what market/mk12/http/http.go mk12deal requires (POST /market/mk12/store, Content-Type
    # exactly application/cbor, a DealParams map), answered with a cbor-gen DealResponse {Message, Accepted}
    $l = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0); $l.Start(); $cport = $l.LocalEndpoint.Port; $l.Stop()
    $script:curioUrl = "http://127.0.0.1:$cport"
    $script:curio = [System.Net.HttpListener]::new()
    $curio.Prefixes.Add("$curioUrl/")
    $curio.Start()
    $script:curioSeen = [System.Collections.ArrayList]::Synchronized([System.Collections.ArrayList]::new())
    $script:curioPs = [powershell]::Create()
    $null = $curioPs.AddScript({
        param($listener, $seen)
        while ($listener.IsListening) {
            try { $c = $listener.GetContext() } catch { break }
            $ms = [System.IO.MemoryStream]::new(); $c.Request.InputStream.CopyTo($ms)
            $body = $ms.ToArray()
            $null = $seen.Add([pscustomobject]@{ Method = $c.Request.HttpMethod; Path = $c.Request.Url.AbsolutePath; ContentType = $c.Request.ContentType; Body = $body })
            $ok = $c.Request.HttpMethod -eq 'POST' -and $c.Request.Url.AbsolutePath -eq '/market/mk12/store' -and
                $c.Request.ContentType -ceq 'application/cbor' -and $body.Length -gt 0 -and $body[0] -eq 0xa7
            if ($ok) {
                $c.Response.StatusCode = 200
                $answer = [Convert]::FromHexString('a2674d65737361676560684163636570746564f5')   # {"Message": "", "Accepted": true}
                $c.Response.OutputStream.Write($answer, 0, $answer.Length)
            }
            else { $c.Response.StatusCode = 400 }
            $c.Response.Close()
        }
    }).AddArgument($curio).AddArgument($curioSeen)
    $script:curioHandle = $curioPs.BeginInvoke()
}

AfterAll {
    if ($curio) { $curio.Stop(); $curio.Close() }
    if ($curioPs) { $curioPs.Dispose() }
    Stop-FilFilServer -ErrorAction SilentlyContinue | Out-Null
    Stop-FilFilDevnet
    $env:FILFIL_HOME = $null
    $env:FILFIL_CONFIG = $null
}

Describe 'Get-FilFilWindow' {
    It 'shows the open window on slot 100 and the upcoming one on slot 101, with the published pieces' {
        $w = Get-FilFilWindow -Miner f01001 -Slot 100 @common
        $w.State | Should -Be 'Open'
        $w.Miner | Should -Be 'f01001'
        ($w.Slot, $w.Height) | Should -Be @(100, 100)
        $w.LastEpoch - $w.FirstEpoch | Should -Be 119
        $w.MinutesLeft | Should -Be ($w.EpochsLeft * 0.5)
        $w.Pieces.PieceCid | Should -Be $piece100.PieceCidV1
        $w.Pieces.CarSize | Should -Be $piece100.PayloadSize
        $w.Pieces.DealId | Should -Be -1
        $latest = Get-FilFilWindow 1001 @common
        $latest.State | Should -Be 'Upcoming'
        $latest.Slot | Should -Be 101
        $latest.FirstEpoch | Should -Be ($w.LastEpoch + 1)
        $latest.MinutesUntilOpen | Should -BeGreaterThan 0
        $latest.PSObject.TypeNames[0] | Should -Be 'FilFil.PowerShell.DealClient.WindowInfo'
    }

    It 'says None for a miner that never had a window' {
        (Get-FilFilWindow -Miner t09999 @common).State | Should -Be 'None'
    }

    It 'refuses a malformed miner with the accepted forms' {
        { Get-FilFilWindow -Miner 'x1234' @common } | Should -Throw '*f01234, t01234 or 1234*'
    }
}

Describe 'Submit-FilFilDeal refusals (nothing sent)' {
    It 'refuses the upcoming window from the pipeline: clear error, no gas spent' {
        $balance = Get-TestBalance $addresses[1]
        $nonce = Get-TestNonce $addresses[1]
        $out = Get-FilFilWindow -Miner f01001 @common | Submit-FilFilDeal -KeystorePath $keystore1 -Credential $cred @common -ErrorVariable err -ErrorAction SilentlyContinue
        $out | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'WindowNotOpen,*'
        $err[0].CategoryInfo.Category | Should -Be 'InvalidOperation'
        "$($err[0])" | Should -Match 'upcoming: it opens at epoch \d+'
        "$($err[0])" | Should -Match 'nothing was sent'
        Get-TestBalance $addresses[1] | Should -Be $balance
        Get-TestNonce $addresses[1] | Should -Be $nonce
    }

    It 'refuses a window of state None from the pipeline naming the miner and that it has no window, not "slot 0"' {
        $w = Get-FilFilWindow -Miner t09999 @common
        $w.State | Should -Be 'None'
        $w | Submit-FilFilDeal -KeystorePath $keystore1 -Credential $cred @common -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'WindowNotOpen,*'
        $err[0].TargetObject | Should -Be 'f09999'
        "$($err[0])" | Should -Match '^f09999 has no window assigned: the contract never gave it one up to head \d+'
        "$($err[0])" | Should -Match 'Get-FilFilProvider -Miner f09999'
        "$($err[0])" | Should -Not -Match 'slot 0'
        # a slot without a window for this miner names the slot and its height
        Submit-FilFilDeal -Miner f09999 -Slot 100 -KeystorePath $keystore1 -Credential $cred @common -ErrorVariable err -ErrorAction SilentlyContinue
        "$($err[0])" | Should -Match '^f09999 has no window on slot 100 \(the snapshot at height 100\)'
    }

    It 'refuses a local snapshot whose piece CID differs from the published one, naming both' {
        $other = New-Piece 100 1500
        Write-Catalog @($other, $piece101)
        try {
            $nonce = Get-TestNonce $addresses[1]
            Submit-FilFilDeal -Miner f01001 -Slot 100 -KeystorePath $keystore1 -Credential $cred @common -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].FullyQualifiedErrorId | Should -BeLike 'PieceCidMismatch,*'
            $err[0].CategoryInfo.Category | Should -Be 'InvalidData'
            "$($err[0])" | Should -Match ([regex]::Escape($other.PieceCidV1))
            "$($err[0])" | Should -Match ([regex]::Escape($piece100.PieceCidV1))
            Get-TestNonce $addresses[1] | Should -Be $nonce
        }
        finally { Write-Catalog @($piece100, $piece101) }
    }

    It 'needs a running server or -Url' {
        Stop-FilFilServer | Out-Null
        try {
            $nonce = Get-TestNonce $addresses[1]
            Submit-FilFilDeal -Miner f01001 -Slot 100 -KeystorePath $keystore1 -Credential $cred @common -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].FullyQualifiedErrorId | Should -BeLike 'NoPieceServer,*'
            "$($err[0])" | Should -Match 'Start-FilFilServer'
            "$($err[0])" | Should -Match '-Url'
            Get-TestNonce $addresses[1] | Should -Be $nonce
        }
        finally { $null = Start-FilFilServer -Prefix $prefix }
    }

    It 'sends nothing with -WhatIf' {
        $nonce = Get-TestNonce $addresses[1]
        Submit-FilFilDeal -Miner f01001 -Slot 100 -KeystorePath $keystore1 -Credential $cred @common -WhatIf | Should -BeNullOrEmpty
        Get-TestNonce $addresses[1] | Should -Be $nonce
    }
}

Describe 'Submit-FilFilDeal -Backend Boost' {
    It 'writes an unsigned proposeDeal that the controller can send as it is, with the same effect' {
        $balance = Get-TestBalance $addresses[1]
        $u = Get-FilFilWindow -Miner f01001 -Slot 100 @common | Submit-FilFilDeal -Unsigned @common
        $u.PSObject.TypeNames[0] | Should -Be 'FilFil.PowerShell.DealClient.UnsignedTransaction'
        $u.Function | Should -Be 'proposeDeal'
        $u.Data | Should -BeLike ('0x' + (Get-AbiSelector 'proposeDeal(uint64,uint32,string,uint64)') + '*')
        ($u.SafeJson | ConvertFrom-Json).transactions[0].data | Should -Be $u.Data
        Get-TestBalance $addresses[1] | Should -Be $balance
        $r = Send-SetupTransaction 1 $u.To $u.Data.Substring(2)
        $r.logs.Count | Should -BeGreaterThan 0
    }

    It 'proposes the open window''s piece with the server URL and the exact CAR size' {
        # the proposal id is keccak(chain, contract, slot, piece, url, start): a second proposal of the same piece and URL
        # checked (eth_call) in the block of the first would be ProposalExists; on anvil each transaction is a block
        $devnet | Step-FilFilDevnet -EvmBlocks 1 | Out-Null
        $s = Get-FilFilWindow -Miner f01001 -Slot 100 @common | Submit-FilFilDeal -KeystorePath $keystore1 -Credential $cred @common -Confirm:$false
        $s.PSObject.TypeNames[0] | Should -Be 'FilFil.PowerShell.DealClient.DealSubmission'
        $s.Backend | Should -Be 'Boost'
        $s.Url | Should -Be "$($prefix)piece/$($piece100.PieceCidV1)"
        $s.CarSize | Should -Be $piece100.PayloadSize
        $s.Transaction.Status | Should -Be 'Success'
        $s.ProposalId | Should -Match '^0x[0-9a-f]{64}$'
        $s.Accepted | Should -BeNullOrEmpty
        $head = Invoke-WebRequest -Uri $s.Url -Method Head
        $head.Headers['Content-Length'] | Should -Be "$($piece100.PayloadSize)"
    }
}

Describe 'Submit-FilFilDeal -Backend Curio' {
    It '-Unsigned posts nothing to Curio; once the proposeDeal is mined, -TransactionHash and -ProposalId submit it' {
        $curioSeen.Clear()
        $devnet | Step-FilFilDevnet -EvmBlocks 1 | Out-Null   # a new block: another proposal id than earlier ones
        $u = Get-FilFilWindow -Miner f01002 -Slot 100 @common |
            Submit-FilFilDeal -Backend Curio -DealEndpoint $curioUrl -Unsigned @common -WarningVariable warn -WarningAction SilentlyContinue
        $u.Function | Should -Be 'proposeDeal'
        "$warn" | Should -Match 'Submit-FilFilDeal -TransactionHash'
        $curioSeen.Count | Should -Be 0
        # the multisig (here the controller itself) sends the transaction as it is
        $receipt = Send-TestTransaction -From Provider2 -To $u.To -Data $u.Data
        $nonce = Get-TestNonce $addresses[2]
        $s = Submit-FilFilDeal -TransactionHash $receipt.TransactionHash -Backend Curio -DealEndpoint $curioUrl @common -Confirm:$false -ErrorAction Stop
        $s.PSObject.TypeNames[0] | Should -Be 'FilFil.PowerShell.DealClient.DealSubmission'
        ($s.Backend, $s.Miner, $s.Slot, $s.PieceIndex) | Should -Be @('Curio', 'f01002', 100, 0)
        $s.Transaction | Should -BeNullOrEmpty
        $s.Accepted | Should -BeTrue
        $s.PieceCid | Should -Be $piece100.PieceCidV1
        $s.Url | Should -Be "$($prefix)piece/$($piece100.PieceCidV1)"
        $s.CarSize | Should -Be $piece100.PayloadSize
        $created = [Nethereum.Contracts.EventExtensions]::DecodeAllEvents[FilFil.DealClient.Messages.ProposalCreatedEvent]($receipt) | Select-Object -First 1
        $s.ProposalId | Should -Be ('0x' + (ConvertTo-HexText $created.Event.Id))
        $req = @($curioSeen)
        $req.Count | Should -Be 1
        ($req[0].Method, $req[0].Path, $req[0].ContentType) | Should -Be @('POST', '/market/mk12/store', 'application/cbor')
        ConvertTo-HexText $req[0].Body | Should -BeLike ('a768' + (ConvertTo-HexText ([Text.Encoding]::ASCII.GetBytes('DealUUID'))) + '50' + ($s.DealUuid.ToString('N')) + '*')
        ConvertTo-HexText $req[0].Body | Should -Match '4300ea07'   # provider f01002
        # the same proposal by its id (the ProposalCreated / DealProposalCreate id): a new deal UUID, no transaction
        $again = Submit-FilFilDeal -ProposalId $s.ProposalId -DealEndpoint $curioUrl @common -Confirm:$false -ErrorAction Stop
        $again.ProposalId | Should -Be $s.ProposalId
        $again.DealUuid | Should -Not -Be $s.DealUuid
        $curioSeen.Count | Should -Be 2
        Get-TestNonce $addresses[2] | Should -Be $nonce
    }

    It '-ProposalId refuses an unknown proposal, -Unsigned and -Backend Boost, and needs an endpoint' {
        $curioSeen.Clear()
        $unknown = '0x' + ('ab' * 32)
        Submit-FilFilDeal -ProposalId $unknown -DealEndpoint $curioUrl @common -Confirm:$false -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        "$($err[0])" | Should -Match "no proposal $unknown"
        Submit-FilFilDeal -ProposalId $unknown -DealEndpoint $curioUrl -Unsigned @common -ErrorVariable err -ErrorAction SilentlyContinue
        "$($err[0])" | Should -Match 'nothing for -Unsigned to write'
        Submit-FilFilDeal -ProposalId $unknown -DealEndpoint $curioUrl -Backend Boost @common -ErrorVariable err -ErrorAction SilentlyContinue
        "$($err[0])" | Should -Match 'Boost needs no submission'
        Submit-FilFilDeal -ProposalId $unknown @common -ErrorVariable err -ErrorAction SilentlyContinue
        "$($err[0])" | Should -Match 'DealEndpoint'
        { Submit-FilFilDeal -ProposalId '0x1234' -DealEndpoint $curioUrl @common } | Should -Throw -ErrorId 'ParameterArgumentValidationError,FilFil.PowerShell.Commands.SubmitFilFilDealCommand'
        Submit-FilFilDeal -TransactionHash ('0x' + ('cd' * 32)) -DealEndpoint $curioUrl @common -ErrorVariable err -ErrorAction SilentlyContinue
        "$($err[0])" | Should -Match 'is not mined'
        $curioSeen.Count | Should -Be 0
    }

    It 'proposes, then posts the MK12 deal to the provider''s Curio market, and the market can publish it' {
        $curioSeen.Clear()
        $devnet | Step-FilFilDevnet -EvmBlocks 1 | Out-Null   # same piece and URL as 1001's proposal: see the Boost test
        $s = Get-FilFilWindow -Miner f01002 -Slot 100 @common |
            Submit-FilFilDeal -Backend Curio -DealEndpoint $curioUrl -KeystorePath $keystore2 -Credential $cred @common -Confirm:$false
        $s.Backend | Should -Be 'Curio'
        $s.Accepted | Should -BeTrue
        $s.DealUuid | Should -Not -BeNullOrEmpty
        $req = @($curioSeen)
        $req.Count | Should -Be 1
        ($req[0].Method, $req[0].Path, $req[0].ContentType) | Should -Be @('POST', '/market/mk12/store', 'application/cbor')
        $hex = ConvertTo-HexText $req[0].Body
        # cbor-gen map keys in order (length, then bytes), the UUID as 16 bytes, the proposal with the miner as provider
        $keys = 'DealUUID', 'Transfer', 'IsOffline', 'DealDataRoot', 'SkipIPNIAnnounce', 'ClientDealProposal', 'RemoveUnsealedCopy'
        $at = foreach ($k in $keys) { $hex.IndexOf(((0x60 + $k.Length).ToString('x2')) + (ConvertTo-HexText ([Text.Encoding]::ASCII.GetBytes($k))), [StringComparison]::Ordinal) }
        $at | Should -Not -Contain -1
        ($at | Sort-Object) | Should -Be $at
        $hex | Should -BeLike ('a768' + (ConvertTo-HexText ([Text.Encoding]::ASCII.GetBytes('DealUUID'))) + '50' + ($s.DealUuid.ToString('N')) + '*')
        $url = ConvertTo-HexText ([Text.Encoding]::ASCII.GetBytes("{`"URL`":`"$($s.Url)`",`"Headers`":null}"))
        $hex | Should -Match $url
        $start = $hex.IndexOf('72' + (ConvertTo-HexText ([Text.Encoding]::ASCII.GetBytes('ClientDealProposal'))) + '82') + 2 + 36 + 2
        $end = $hex.IndexOf('4302dead72' + (ConvertTo-HexText ([Text.Encoding]::ASCII.GetBytes('RemoveUnsealedCopy'))))
        $proposal = [Convert]::FromHexString($hex.Substring($start, $end - $start))
        ConvertTo-HexText $proposal | Should -Match '4300ea07'   # provider f01002 (LEB128 ea 07)

        # as Curio would after its checks: PublishStorageDeals through the market stand-in records the deal for 1002
        $data = (Get-AbiSelector 'publishStorageDeals(address,bytes[])') + (ConvertTo-AbiWord ([System.Numerics.BigInteger]::Parse('0' + $devnet.Contract.Substring(2), 'AllowHexSpecifier'))) +
            (ConvertTo-AbiWord 0x40) + (ConvertTo-AbiWord 1) + (ConvertTo-AbiWord 0x20) + (ConvertTo-AbiBytes $proposal)
        $null = Send-SetupTransaction 0 '0xff00000000000000000000000000000000000005' $data
        $deal = Get-FilFilDeal -Slot 100 -Miner f01002 @common
        $deal.Miner | Should -Be 'f01002'
        $deal.State | Should -Be 'Published'
        (Get-FilFilWindow -Miner f01002 -Slot 100 @common).Pieces.DealId | Should -Be $deal.DealId
        (Get-FilFilDeal $deal.DealId @common).Slot | Should -Be 100
    }

    It 'refuses -Backend Curio without an endpoint, before anything is sent' {
        $nonce = Get-TestNonce $addresses[2]
        Submit-FilFilDeal -Miner f01002 -Slot 100 -PieceIndex 0 -Backend Curio -KeystorePath $keystore2 -Credential $cred @common -ErrorVariable err -ErrorAction SilentlyContinue
        "$($err[0])" | Should -Match 'DealEndpoint'
        Get-TestNonce $addresses[2] | Should -Be $nonce
    }
}

Describe 'Get-FilFilDeal' {
    It 'says NotFound for a deal the contract did not record' {
        Get-FilFilDeal 424242 @common -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }
}

Describe 'Wait-FilFilWindow' {
    It 'returns at once when the window is open' {
        $w = Wait-FilFilWindow -Miner f01001 -Slot 100 -PollInterval 00:00:00.2 -Timeout 00:00:10 @common
        $w.State | Should -Be 'Open'
        $w.Slot | Should -Be 100
    }

    It 'gives up after -Timeout with the state it last saw' {
        { Wait-FilFilWindow -Miner f01001 -PollInterval 00:00:00.2 -Timeout 00:00:01 @common } |
            Should -Throw -ErrorId 'Timeout,FilFil.PowerShell.Commands.WaitFilFilWindowCommand' -ExpectedMessage '*opens at epoch*'
    }

    It 'blocks until the upcoming window opens, then returns it' {
        $upcoming = Get-FilFilWindow -Miner f01001 @common
        $upcoming.State | Should -Be 'Upcoming'
        # the wait runs in another runspace; blocks are mined here once it has started
        $waiter = [powershell]::Create()
        $null = $waiter.AddScript({
            param($manifest, $common)
            Import-Module $manifest
            Wait-FilFilWindow -Miner f01001 -PollInterval 00:00:00.2 -Timeout 00:01:00 @common
        }).AddArgument((Join-Path $PSScriptRoot '..' '..' 'FilFil.psd1')).AddArgument($common)
        $handle = $waiter.BeginInvoke()
        try {
            Start-Sleep -Milliseconds 1500
            $handle.IsCompleted | Should -BeFalse -Because 'the window is still upcoming'
            $devnet | Step-FilFilDevnet -EvmBlocks ([int]$upcoming.FirstEpoch - [int]$upcoming.HeadEpoch) | Out-Null
            $w = @($waiter.EndInvoke($handle))
            $waiter.Streams.Error | Should -BeNullOrEmpty
            $w.Count | Should -Be 1
            $w[0].State | Should -Be 'Open'
            $w[0].Slot | Should -Be 101
            $w[0].FirstEpoch | Should -Be $upcoming.FirstEpoch
        }
        finally { $waiter.Dispose() }
    }
}

Describe 'Secrets' {
    It 'never shows the keystore password or the key in errors' {
        $text = $Error | ForEach-Object { "$_ $($_.Exception) $($_.ErrorDetails)" } | Out-String
        $text | Should -Not -Match ([regex]::Escape($password))
        $text | Should -Not -Match (Get-TestPrivateKey Provider1)
        $text | Should -Not -Match (Get-TestPrivateKey Provider2)
    }
}
