using Cedros.Storage.Internal;

namespace Cedros.Storage.Validation;

/// <summary>
/// What every backend does around an order status change apart from the write itself: the argument checks of
/// <c>UpdateOrderStatusWithHistoryAsync</c>, the history entry it records, and the error for a forbidden transition.
/// </summary>
internal static class PrepareStatusChange
{
    /// <summary>Checks the arguments of a status change with history; returns <paramref name="at"/> truncated to microseconds.</summary>
    public static DateTimeOffset WithHistory(string orderId, OrderStatus status, DateTimeOffset at, string? note, string? actor)
    {
        Check.Id(orderId, "order id");
        Check.Defined(status, "status");
        Check.Text(note, "note");
        Check.Text(actor, "actor");
        return StorageTime.Micro(at);
    }

    /// <summary>The prepared history entry recording a move from <paramref name="from"/> to <paramref name="to"/>.</summary>
    public static OrderHistoryEntry Entry(string tenantId, string entryId, string orderId, OrderStatus from, OrderStatus to,
        DateTimeOffset when, string? note, string? actor) =>
        Prepare.HistoryEntry(tenantId, new OrderHistoryEntry
        {
            Id = entryId, OrderId = orderId, FromStatus = from, ToStatus = to, Note = note, Actor = actor, CreatedAt = when,
        });

    /// <summary>The Validation error for a transition the status rules forbid (<paramref name="from"/> as stored text).</summary>
    public static StorageValidationException Forbidden(string orderId, string from, OrderStatus to) =>
        new($"order '{orderId}' cannot move from {from} to {EnumText<OrderStatus>.ToText(to)}.", "status");

    /// <inheritdoc cref="Forbidden(string, string, OrderStatus)"/>
    public static StorageValidationException Forbidden(string orderId, OrderStatus from, OrderStatus to) =>
        Forbidden(orderId, EnumText<OrderStatus>.ToText(from), to);
}
