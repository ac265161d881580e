using Cedros.Storage.Schema;

namespace Cedros.Storage.Tests.Unit;

public sealed class TableNameTests
{
    [Theory]
    [InlineData("payment_transactions")]
    [InlineData("_x")]
    [InlineData("T1")]
    [InlineData("billing.payment_transactions")]
    [InlineData("a23456789012345678901234567890123456789012345678901234567890123")]
    public void Valid_names_parse(string name) => Assert.Equal(name, TableName.Parse(name, "k").ToString());

    [Theory]
    [InlineData("")]
    [InlineData("1table")]
    [InlineData("pay-ments")]
    [InlineData("payments;DROP TABLE orders")]
    [InlineData("\"payments\"")]
    [InlineData("a.b.c")]
    [InlineData(".payments")]
    [InlineData("payments ")]
    [InlineData("orders\n")]
    [InlineData("billing.orders\n")]
    [InlineData("orders\r\n")]
    [InlineData("\norders")]
    [InlineData("a234567890123456789012345678901234567890123456789012345678901234")]
    public void Invalid_names_fail_naming_the_key(string name)
    {
        var ex = Assert.Throws<StorageConfigurationException>(() => TableName.Parse(name, "storage.schema_mapping.payments.table_name"));
        Assert.Equal("storage.schema_mapping.payments.table_name", ex.Key);
        Assert.Contains("storage.schema_mapping.payments.table_name", ex.Message);
    }

    [Fact]
    public void Names_are_always_quoted_and_qualified_names_quote_each_part()
    {
        Assert.Equal("\"orders\"", TableName.Parse("orders", "k").Quoted);
        Assert.Equal("\"billing\".\"orders\"", TableName.Parse("billing.orders", "k").Quoted);
    }

    [Fact]
    public void Index_names_derive_from_the_bare_table_name_and_fit_63_bytes()
    {
        var table = TableName.Parse("billing.payment_transactions", "k");
        Assert.Equal("\"idx_payment_transactions_tenant\"", table.Index("idx_{table}_tenant"));
        var longName = TableName.Parse(new string('t', 63), "k");
        Assert.Equal(63, longName.IndexBare("idx_{table}_tenant_created").Length);
    }

    [Fact]
    public void The_default_mapping_resolves_to_the_seeds_names_and_a_default_archive_table()
    {
        var tables = new SchemaMapping().Resolve(archiveTable: null);
        Assert.Equal("payment_transactions", tables.Payments.ToString());
        Assert.Equal("stripe_sessions", tables.Sessions.ToString());
        Assert.Equal("webhook_queue", tables.WebhookQueue.ToString());
        Assert.Equal("payment_transactions_archive", tables.PaymentsArchive!.ToString());
    }

    [Fact]
    public void An_empty_archive_table_means_delete()
    {
        Assert.Null(new SchemaMapping().Resolve(archiveTable: "").PaymentsArchive);
    }

    [Fact]
    public void Two_entities_mapped_to_one_table_fail()
    {
        var mapping = new SchemaMapping { Coupons = "products" };
        var ex = Assert.Throws<StorageConfigurationException>(() => mapping.Resolve(null));
        Assert.Contains("products", ex.Message);
    }

    [Fact]
    public void A_bad_mapping_names_its_entity_key()
    {
        var mapping = new SchemaMapping { WebhookQueue = "web hooks" };
        var ex = Assert.Throws<StorageConfigurationException>(() => mapping.Resolve(null));
        Assert.Equal("storage.schema_mapping.webhook_queue.table_name", ex.Key);
    }
}
