namespace Cedros.Pay.Sample;

/// <summary>A payment the client says it made on chain.</summary>
public sealed record ChainPaymentClaim(string Signature, string Wallet, string Recipient, long Amount, string Asset);

/// <summary>Checks a payment on chain (signature confirmed, right amount, asset and recipient).</summary>
public interface IChainVerifier
{
    /// <summary>True when the transaction exists, is confirmed and pays what the claim says.</summary>
    Task<bool> VerifyAsync(ChainPaymentClaim claim, CancellationToken cancellationToken);
}

/// <summary>Sends a refund on chain and returns the transaction signature.</summary>
public interface IPayoutSender
{
    /// <summary>Pays <paramref name="refund"/> out; throws when the transfer failed.</summary>
    Task<string> SendAsync(Cedros.Storage.RefundQuote refund, CancellationToken cancellationToken);
}

/// <summary>
/// STUB: accepts every signature of at least 32 characters that does not start with <c>invalid</c>. Replace with an
/// RPC call (e.g. Solana <c>getTransaction</c>, checking the transfer's amount, mint and destination).
/// </summary>
public sealed class StubChainVerifier : IChainVerifier
{
    /// <inheritdoc />
    public Task<bool> VerifyAsync(ChainPaymentClaim claim, CancellationToken cancellationToken) =>
        Task.FromResult(claim.Signature.Length >= 32 && !claim.Signature.StartsWith("invalid", StringComparison.Ordinal));
}

/// <summary>STUB: pretends to transfer and returns a made-up signature.</summary>
public sealed class StubPayoutSender : IPayoutSender
{
    /// <inheritdoc />
    public Task<string> SendAsync(Cedros.Storage.RefundQuote refund, CancellationToken cancellationToken) =>
        Task.FromResult("payout" + Guid.NewGuid().ToString("N") + Guid.NewGuid().ToString("N"));
}
