namespace Cedros.Storage;

/// <summary>Stock held for a cart until it expires, is released or converted into a sale.</summary>
public sealed record InventoryReservation
{
    /// <summary>Reservation id.</summary>
    public required string Id { get; init; }
    /// <summary>Owner tenant.</summary>
    public string TenantId { get; init; } = TenantIds.Default;
    /// <summary>Product.</summary>
    public required string ProductId { get; init; }
    /// <summary>Variant; stock is counted per (product, variant).</summary>
    public string? VariantId { get; init; }
    /// <summary>Units held (≥ 1).</summary>
    public int Quantity { get; init; } = 1;
    /// <summary>When the hold lapses.</summary>
    public DateTimeOffset ExpiresAt { get; init; }
    /// <summary>The cart holding it.</summary>
    public string? CartId { get; init; }
    /// <summary>Status; a new reservation always starts <see cref="ReservationStatus.Active"/>.</summary>
    public ReservationStatus Status { get; init; } = ReservationStatus.Active;
    /// <summary>Creation time.</summary>
    public DateTimeOffset CreatedAt { get; init; }
    /// <summary>When the status last changed (released or converted).</summary>
    public DateTimeOffset? StatusUpdatedAt { get; init; }
}

/// <summary>Key of a stock counter: a product and optional variant.</summary>
/// <param name="ProductId">Product.</param>
/// <param name="VariantId">Variant, or null.</param>
public readonly record struct StockKey(string ProductId, string? VariantId = null);
