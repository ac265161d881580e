using Cedros.Storage.Internal;

namespace Cedros.Storage.Validation;

/// <summary>
/// What every backend does around an order status change apart from the write itself: the argument checks of
/// <c>UpdateOrderStatusWithHistoryAsync</c>, the history entry it records, and the error for a forbidden transition.
/// </summary>
internal static class PrepareStatusChange
{
    /// <summary>Checks the arguments of a status change with history; returns <paramref name="at"/> truncated to
    /// microseconds, or <paramref name="now"/> when <paramref name="at"/> is unset (<c>default</c>).</summary>
    public static DateTimeOffset WithHistory(string orderId, OrderStatus status, DateTimeOffset at, string? note, string? actor, DateTimeOffset now)
    {
        Check.Id(orderId, "order id");
        Check.Defined(status, "status");
        Check.Text(note, "note");
        Check.Text(actor, "actor");
        return StorageTime.Micro(at == default ? now : at);
    }

    /// <summary>Checks the arguments of a compare-and-set status change: a move from <paramref name="expected"/> to
    /// <paramref name="status"/> the rule forbids is Validation before anything is read or written.</summary>
    public static void CompareAndSet(string orderId, OrderStatus expected, OrderStatus status)
    {
        Check.Id(orderId, "order id");
        Check.Defined(expected, "expected_status");
        Check.Defined(status, "status");
        if (expected != status && !OrderStatus.CanTransition(expected, status))
            throw Forbidden(orderId, expected, status);
    }

    /// <summary>The Conflict for a compare-and-set whose order is no longer in the expected status.</summary>
    public static StorageConflictException NotInExpectedStatus(string orderId, OrderStatus expected, string current) =>
        new($"order '{orderId}' is {current}, not {EnumText<OrderStatus>.ToText(expected)}: another change came first; nothing was written.");

    /// <summary>The prepared history entry recording a move from <paramref name="from"/> to <paramref name="to"/>.</summary>
    public static OrderHistoryEntry Entry(string tenantId, string entryId, string orderId, OrderStatus from, OrderStatus to,
        DateTimeOffset when, string? note, string? actor) =>
        Prepare.HistoryEntry(tenantId, new OrderHistoryEntry
        {
            Id = entryId, OrderId = orderId, FromStatus = from, ToStatus = to, Note = note, Actor = actor, CreatedAt = when,
        }, when);

    /// <summary>The Validation error for a transition the status rules forbid (<paramref name="from"/> as stored text).</summary>
    public static StorageValidationException Forbidden(string orderId, string from, OrderStatus to) =>
        new($"order '{orderId}' cannot move from {from} to {EnumText<OrderStatus>.ToText(to)}.", "status");

    /// <inheritdoc cref="Forbidden(string, string, OrderStatus)"/>
    public static StorageValidationException Forbidden(string orderId, OrderStatus from, OrderStatus to) =>
        Forbidden(orderId, EnumText<OrderStatus>.ToText(from), to);
}
