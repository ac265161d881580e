using System.Globalization;

namespace Cedros.Storage.Benchmarks;

/// <summary>Sample entities shared by the benchmarks (the raw baselines write the same values).</summary>
public static class Samples
{
    public const string Wallet = "7xKXtg2CW87d97TXJSDpbD5jBkheTqA83TZRuJosgAsU";
    public const string PaymentMetadataJson = """{"order":"o-1","memo":"bench"}""";

    public static readonly IReadOnlyDictionary<string, string> PaymentMetadata =
        new Dictionary<string, string> { ["order"] = "o-1", ["memo"] = "bench" };

    public static PaymentTransaction Payment(string signature) => new()
    {
        Signature = signature,
        ResourceId = "product-1",
        Wallet = Wallet,
        Amount = 1_000_000,
        AmountAsset = "USDC",
        Metadata = PaymentMetadata,
    };

    public static CartQuote Cart(string id, DateTimeOffset now) => new()
    {
        Id = id,
        Items =
        [
            new CartItem { ResourceId = "product-1", Quantity = 2, Price = 1_500_000, Asset = "USDC" },
            new CartItem { ResourceId = "product-2", Quantity = 1, Price = 250_000, Asset = "USDC", Metadata = new Dictionary<string, string> { ["size"] = "M" } },
            new CartItem { ResourceId = "product-3", Quantity = 5, Price = 10_000, Asset = "USDC" },
        ],
        TotalAmount = 3_300_000,
        TotalAsset = "USDC",
        Metadata = PaymentMetadata,
        CreatedAt = now,
        ExpiresAt = now.AddHours(1),
    };

    /// <summary>Order number <paramref name="i"/> of the search table: e-mail <c>buyer{i}@example.com</c>, resource
    /// <c>product-{i % 500}</c>, a 64-hex-digit purchase id.</summary>
    public static Order Order(int i, DateTimeOffset createdAt) => new()
    {
        Id = "ord-" + i.ToString("D8", CultureInfo.InvariantCulture),
        Source = "x402",
        PurchaseId = Hex(i),
        ResourceId = "product-" + (i % 500).ToString(CultureInfo.InvariantCulture),
        Customer = "wallet" + Hex(i * 7 + 3)[..32],
        CustomerEmail = "buyer" + i.ToString(CultureInfo.InvariantCulture) + "@example.com",
        Status = OrderStatus.Paid,
        Items = [new OrderItem { ProductId = "product-" + (i % 500).ToString(CultureInfo.InvariantCulture), Quantity = 1, UnitPrice = 1_000_000, Asset = "USDC" }],
        Amount = 1_000_000,
        AmountAsset = "USDC",
        CreatedAt = createdAt,
    };

    private static string Hex(int i)
    {
        var bytes = System.Security.Cryptography.SHA256.HashData(BitConverter.GetBytes(i));
        return Convert.ToHexStringLower(bytes);
    }
}
