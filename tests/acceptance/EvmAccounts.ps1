# Helper for acceptance files on the devnet's EVM (dot-source it in BeforeAll after `Start-FilFilDevnet -Evm`, with
# the devnet in $devnet): its accounts by name (Operator, Provider1..N, User; keystores with the devnet's test
# password), their balances and nonces, and transactions sent from them as a wallet would, through the product's own
# EthereumEndpoint (fees, nonce, gas estimate, EIP-1559 signing).
$script:evmEndpoint = [FilFil.DealClient.Ethereum.EthereumEndpoint]::new([uri]$devnet.RpcUrl)
$script:evmNone = [System.Threading.CancellationToken]::None

function Get-TestAccount([Parameter(Mandatory)] [string] $Name) {
    # the devnet account (Name, Address, KeystorePath, MinerId)
    $a = $devnet.EvmAccounts | Where-Object Name -EQ $Name
    if (-not $a) { throw "the devnet has no EVM account $Name" }
    $a
}

function Get-TestBalance([Parameter(Mandatory)] [string] $Address) {
    $evmEndpoint.Web3.Eth.GetBalance.SendRequestAsync($Address).GetAwaiter().GetResult().Value
}

function Get-TestNonce([Parameter(Mandatory)] [string] $Address) {
    [long]$evmEndpoint.GetNonceAsync($Address, $evmNone).GetAwaiter().GetResult()
}

function Send-TestTransaction {
    # Signs and sends to/data/value (an -Unsigned cmdlet's output, or calldata) from the named account; returns the
    # receipt, and throws when the transaction failed.
    param([Parameter(Mandatory)] [string] $From, [Parameter(Mandatory)] [string] $To, [string] $Data = '0x',
        [System.Numerics.BigInteger] $Value = 0)
    $tx = [FilFil.DealClient.Ethereum.UnsignedTransaction]::new($To, $Data, $Value, $devnet.ChainId).ToTransactionInput()
    $hash = $evmEndpoint.SendAsync($devnet.Evm.OpenAccount($From), $tx, $evmNone).GetAwaiter().GetResult()
    $receipt = $evmEndpoint.WaitForReceiptAsync($hash, $null, $evmNone).GetAwaiter().GetResult()
    if ($receipt.Status.Value -ne 1) { throw "transaction $hash from $From to $To failed (status $($receipt.Status.Value))" }
    $receipt
}

function Get-TestPrivateKey([Parameter(Mandatory)] [string] $Name) {
    # the account's private key (hex, no 0x), only to check that it never shows up in logs or errors
    $devnet.Evm.OpenAccount($Name).PrivateKey.Substring(2)
}

function New-TestPiece {
    # A piece (PieceCidV1, PaddedSize, PayloadSize) with a random commP: 2 KiB padded, 1,500 bytes of CAR.
    $digest = [byte[]]::new(32)
    [System.Security.Cryptography.RandomNumberGenerator]::Fill($digest)
    $digest[31] = $digest[31] -band 0x3f # a valid Fr32 element, as commP is
    @{ PieceCidV1 = [FilFil.Core.Ipld.Cid]::Create(0xf101, 0x1012, $digest).ToString(); PaddedSize = 2048; PayloadSize = 1500 }
}
