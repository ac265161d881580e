namespace Cedros.Storage.Validation;

/// <summary>
/// Upper bounds of the UTF-8 size of the JSON the storage writes for one item of a cart, an order or a fulfillment, so
/// that items are serialised to measure them against the 1 MiB limit only when they might exceed it: measuring a
/// cart's or an order's items by serialising them cost as much again as writing them. A UTF-16 unit is at most 6 bytes
/// (<c>\uXXXX</c>); every property adds at most <see cref="Property"/> besides its text.
/// </summary>
internal static class JsonSizeBound
{
    /// <summary>A key of up to 32 characters, its quotes, colon and comma, and a number of up to 20 characters.</summary>
    private const long Property = 64;

    public static long CartItem(CartItem line) =>
        2 + 5 * Property + Text(line.ResourceId) + Text(line.Asset) + Map(line.Metadata);

    public static long OrderItem(OrderItem line) =>
        2 + 7 * Property + Text(line.ProductId) + Text(line.VariantId) + Text(line.Name) + Text(line.Asset) + Map(line.Metadata);

    public static long FulfillmentItem(FulfillmentItem line) =>
        2 + 3 * Property + Text(line.ProductId) + Text(line.VariantId);

    /// <summary>One map entry: both texts, their quotes, the colon and a comma.</summary>
    public static long MapEntry(string key, string value) => 6 + Text(key) + Text(value);

    private static long Text(string? value) => 6L * (value?.Length ?? 0);

    private static long Map(IReadOnlyDictionary<string, string> map)
    {
        if (map.Count == 0) return 2;
        long bound = 2;
        foreach (var (key, value) in map) bound += MapEntry(key, value);
        return bound;
    }
}
