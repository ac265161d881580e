using Cedros.Storage.Configuration;
using Cedros.Storage.Tests.Backends;

namespace Cedros.Storage.Tests.Sqlite;

/// <summary>SQLite with every table renamed through the schema mapping (prefix <c>cx_</c>).</summary>
public sealed class RenamedSqliteFixture : SqliteFixture
{
    public override string Name => "sqlite (renamed tables)";

    public override StorageOptions NewOptions(string path)
    {
        var options = base.NewOptions(path);
        var m = options.SchemaMapping;
        m.Payments = "cx_" + m.Payments;
        m.Sessions = "cx_" + m.Sessions;
        m.Products = "cx_" + m.Products;
        m.Coupons = "cx_" + m.Coupons;
        m.CartQuotes = "cx_" + m.CartQuotes;
        m.RefundQuotes = "cx_" + m.RefundQuotes;
        m.AdminNonces = "cx_" + m.AdminNonces;
        m.WebhookQueue = "cx_" + m.WebhookQueue;
        m.Orders = "cx_" + m.Orders;
        m.OrderHistory = "cx_" + m.OrderHistory;
        m.Fulfillments = "cx_" + m.Fulfillments;
        m.InventoryReservations = "cx_" + m.InventoryReservations;
        m.Subscriptions = "cx_" + m.Subscriptions;
        m.IdempotencyKeys = "cx_" + m.IdempotencyKeys;
        m.SchemaMigrations = "cx_" + m.SchemaMigrations;
        return options;
    }
}

// Core conformance flows with every table renamed.
public sealed class RenamedSqlitePaymentLedgerTests(RenamedSqliteFixture f) : Conformance.PaymentLedgerConformance<RenamedSqliteFixture>(f);
public sealed class RenamedSqliteCartQuoteTests(RenamedSqliteFixture f) : Conformance.CartQuoteConformance<RenamedSqliteFixture>(f);
public sealed class RenamedSqliteOrderTests(RenamedSqliteFixture f) : Conformance.OrderConformance<RenamedSqliteFixture>(f);
public sealed class RenamedSqliteCouponTests(RenamedSqliteFixture f) : Conformance.CouponConformance<RenamedSqliteFixture>(f);
public sealed class RenamedSqliteWebhookQueueTests(RenamedSqliteFixture f) : Conformance.WebhookQueueConformance<RenamedSqliteFixture>(f);
public sealed class RenamedSqliteTransactionTests(RenamedSqliteFixture f) : Conformance.TransactionConformance<RenamedSqliteFixture>(f);
