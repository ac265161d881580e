namespace Cedros.Storage;

/// <summary>
/// Order lifecycle. Allowed transitions: created→paid, paid→processing, processing→fulfilled, fulfilled→shipped,
/// shipped→delivered, paid|processing→cancelled, paid|processing|fulfilled|shipped→refunded.
/// Use <c>OrderStatus.CanTransition(from, to)</c>.
/// </summary>
public enum OrderStatus
{
    /// <summary>Stored, not yet paid.</summary>
    Created,
    /// <summary>Payment confirmed.</summary>
    Paid,
    /// <summary>Being prepared.</summary>
    Processing,
    /// <summary>Prepared, ready to ship.</summary>
    Fulfilled,
    /// <summary>With the carrier.</summary>
    Shipped,
    /// <summary>Received; terminal.</summary>
    Delivered,
    /// <summary>Cancelled before fulfilment; terminal.</summary>
    Cancelled,
    /// <summary>Money returned; terminal.</summary>
    Refunded,
}

/// <summary>The order-status transition rule, reachable as <c>OrderStatus.CanTransition(from, to)</c>.</summary>
public static class OrderStatusRules
{
    extension(OrderStatus)
    {
        /// <summary>True when the rule allows moving an order from <paramref name="from"/> to <paramref name="to"/>.
        /// Setting the same status again is not a transition (callers treat it as a no-op).</summary>
        public static bool CanTransition(OrderStatus from, OrderStatus to) => (from, to) switch
        {
            (OrderStatus.Created, OrderStatus.Paid) => true,
            (OrderStatus.Paid, OrderStatus.Processing) => true,
            (OrderStatus.Processing, OrderStatus.Fulfilled) => true,
            (OrderStatus.Fulfilled, OrderStatus.Shipped) => true,
            (OrderStatus.Shipped, OrderStatus.Delivered) => true,
            (OrderStatus.Paid or OrderStatus.Processing, OrderStatus.Cancelled) => true,
            (OrderStatus.Paid or OrderStatus.Processing or OrderStatus.Fulfilled or OrderStatus.Shipped, OrderStatus.Refunded) => true,
            _ => false,
        };

        /// <summary>Every status from which <paramref name="to"/> may be reached (used by backends to check the rule
        /// inside the same conditional UPDATE that writes the new status).</summary>
        public static IReadOnlyList<OrderStatus> AllowedSources(OrderStatus to) =>
            Enum.GetValues<OrderStatus>().Where(from => OrderStatus.CanTransition(from, to)).ToArray();
    }
}
