using System.Data.Common;
using Cedros.Storage.Sql;

namespace Cedros.Storage.Schema.Rows;

/// <summary>One delegate per entity reader, bound to a backend's codec once (no allocation per call or row).</summary>
internal sealed class RowReaders(SqlCodec c)
{
    public readonly Func<DbDataReader, PaymentTransaction> Payment = r => PaymentRow.Read(r, c);
    public readonly Func<DbDataReader, Order> Order = r => OrderRow.Read(r, c);
    public readonly Func<DbDataReader, OrderHistoryEntry> OrderHistory = r => OrderHistoryRow.Read(r, c);
    public readonly Func<DbDataReader, RefundQuote> RefundQuote = r => RefundQuoteRow.Read(r, c);
    public readonly Func<DbDataReader, CartQuote> CartQuote = r => CartQuoteRow.Read(r, c);
    public readonly Func<DbDataReader, Fulfillment> Fulfillment = r => FulfillmentRow.Read(r, c);
    public readonly Func<DbDataReader, InventoryReservation> Reservation = r => ReservationRow.Read(r, c);
    public readonly Func<DbDataReader, StripeSession> StripeSession = r => StripeSessionRow.Read(r, c);
    public readonly Func<DbDataReader, PendingWebhook> Webhook = r => WebhookRow.Read(r, c);
    public readonly Func<DbDataReader, Product> Product = r => ProductRow.Read(r, c);
    public readonly Func<DbDataReader, Coupon> Coupon = r => CouponRow.Read(r, c);
    public readonly Func<DbDataReader, Subscription> Subscription = r => SubscriptionRow.Read(r, c);
}

/// <summary>Helpers of the row files: a row's column list names its parameters too (<c>@column</c>).</summary>
internal static class RowText
{
    /// <summary><c>a, b, c</c> → <c>@a, @b, @c</c>: the VALUES list of an insert of those columns.</summary>
    public static string Params(string columns) => "@" + columns.Replace(", ", ", @", StringComparison.Ordinal);
}
