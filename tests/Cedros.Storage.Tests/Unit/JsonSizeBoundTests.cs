using System.Reflection;
using System.Text;
using Cedros.Storage.Internal;
using Cedros.Storage.Validation;

namespace Cedros.Storage.Tests.Unit;

/// <summary>
/// Items are measured against the 1 MiB limit by serialising them only when <see cref="JsonSizeBound"/> says they
/// might exceed it, so each bound must never be below what the serializer writes. Every property of the item is set by
/// reflection to its worst case (text that escapes to <c>\uXXXX</c>, numbers of the most digits, a metadata entry of
/// such text), so a property added to an item type without its bound makes these fail.
/// </summary>
public sealed class JsonSizeBoundTests
{
    // U+0001 escapes to six bytes, as does each half of a surrogate pair; '"' and '\' escape to two.
    private static readonly string Worst = string.Concat(Enumerable.Repeat("\u0001\"\\\U0001F600é<", 40));

    [Fact]
    public void A_cart_item_is_never_larger_than_its_bound() => AssertBounded(Filled<CartItem>(), JsonSizeBound.CartItem);

    [Fact]
    public void An_order_item_is_never_larger_than_its_bound() => AssertBounded(Filled<OrderItem>(), JsonSizeBound.OrderItem);

    [Fact]
    public void A_fulfillment_item_is_never_larger_than_its_bound() => AssertBounded(Filled<FulfillmentItem>(), JsonSizeBound.FulfillmentItem);

    private static void AssertBounded<T>(T item, Func<T, long> bound)
    {
        var written = Encoding.UTF8.GetByteCount(StorageJson.Serialize(item));
        Assert.True(written <= bound(item), $"{typeof(T).Name}: {written} bytes written, bound {bound(item)}");
        var items = Enumerable.Repeat(item, 3).ToArray();
        Assert.True(Encoding.UTF8.GetByteCount(StorageJson.Serialize(items)) <= 2 + items.Sum(i => bound(i) + 1));
    }

    private static T Filled<T>() where T : class
    {
        var item = Activator.CreateInstance<T>();
        foreach (var property in typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            object value = property.PropertyType switch
            {
                var t when t == typeof(string) => Worst,
                var t when t == typeof(int) => int.MinValue,
                var t when t == typeof(long) => long.MinValue,
                var t when t == typeof(IReadOnlyDictionary<string, string>) => new Dictionary<string, string> { [Worst] = Worst, ["k" + Worst] = Worst },
                var t => throw new InvalidOperationException($"{typeof(T).Name}.{property.Name} is a {t.Name}: give it a worst case here and a bound."),
            };
            property.SetValue(item, value);
        }
        return item;
    }
}
