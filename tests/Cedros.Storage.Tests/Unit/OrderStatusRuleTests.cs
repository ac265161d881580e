namespace Cedros.Storage.Tests.Unit;

public sealed class OrderStatusRuleTests
{
    [Theory]
    [InlineData(OrderStatus.Created, OrderStatus.Paid)]
    [InlineData(OrderStatus.Paid, OrderStatus.Processing)]
    [InlineData(OrderStatus.Processing, OrderStatus.Fulfilled)]
    [InlineData(OrderStatus.Fulfilled, OrderStatus.Shipped)]
    [InlineData(OrderStatus.Shipped, OrderStatus.Delivered)]
    [InlineData(OrderStatus.Paid, OrderStatus.Cancelled)]
    [InlineData(OrderStatus.Processing, OrderStatus.Cancelled)]
    [InlineData(OrderStatus.Paid, OrderStatus.Refunded)]
    [InlineData(OrderStatus.Processing, OrderStatus.Refunded)]
    [InlineData(OrderStatus.Fulfilled, OrderStatus.Refunded)]
    [InlineData(OrderStatus.Shipped, OrderStatus.Refunded)]
    public void Allowed_transitions_are_allowed(OrderStatus from, OrderStatus to) =>
        Assert.True(OrderStatus.CanTransition(from, to));

    [Fact]
    public void Exactly_the_eleven_listed_transitions_are_allowed()
    {
        var all = Enum.GetValues<OrderStatus>();
        var allowed = all.SelectMany(f => all.Where(t => OrderStatus.CanTransition(f, t)).Select(t => (f, t))).ToList();
        Assert.Equal(11, allowed.Count);
    }

    [Theory]
    [InlineData(OrderStatus.Created, OrderStatus.Shipped)]
    [InlineData(OrderStatus.Delivered, OrderStatus.Refunded)]
    [InlineData(OrderStatus.Cancelled, OrderStatus.Paid)]
    [InlineData(OrderStatus.Paid, OrderStatus.Paid)]
    [InlineData(OrderStatus.Created, OrderStatus.Cancelled)]
    public void Other_transitions_are_forbidden(OrderStatus from, OrderStatus to) =>
        Assert.False(OrderStatus.CanTransition(from, to));
}
