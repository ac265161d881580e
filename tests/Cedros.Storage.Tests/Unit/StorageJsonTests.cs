using Cedros.Storage.Internal;
using Cedros.Storage.Tests.Conformance;

namespace Cedros.Storage.Tests.Unit;

/// <summary>
/// The one JSON reader/writer of every backend's JSON columns. The in-memory backend keeps objects, not JSON text, so it
/// has no legacy rows to read; SQLite and PostgreSQL are covered end to end by LegacyJsonConformance, and this class
/// covers the reader itself, spelling by spelling.
/// </summary>
public sealed class StorageJsonTests
{
    public static TheoryData<Spelling> Spellings => [Spelling.Snake, Spelling.Camel, Spelling.Pascal, Spelling.Go];

    private static string Q(string text) => "\"" + text + "\"";

    [Fact]
    public void An_empty_string_map_is_written_as_the_serializer_writes_it()
    {
        IReadOnlyDictionary<string, string>[] empties = [EmptyMetadata.Instance, new Dictionary<string, string>(), new SortedDictionary<string, string>()];
        foreach (var empty in empties)
            Assert.Equal(System.Text.Json.JsonSerializer.Serialize(empty, StorageJson.Options), StorageJson.Serialize(empty));
        Assert.Equal("""{"a":"1"}""", StorageJson.Serialize<IReadOnlyDictionary<string, string>>(new Dictionary<string, string> { ["a"] = "1" }));
        Assert.Equal("[]", StorageJson.Serialize(Array.Empty<CartItem>()));
    }

    [Theory, MemberData(nameof(Spellings))]
    public void Cart_items_are_read_in_every_spelling(Spelling s)
    {
        var json = "[" + Spell.Record(s, ("resource_id", Q("prod-1")), ("quantity", "2"), ("price", "1500000"), ("asset", Q("USDC")),
            ("metadata", """{"size":"L"}"""), ("unknown_field", """{"x":[1]}""")) + "]";
        var item = Assert.Single(StorageJson.Deserialize<CartItem[]>(json, []));
        Assert.Equal(("prod-1", 2, 1_500_000L, "USDC"), (item.ResourceId, item.Quantity, item.Price, item.Asset));
        Assert.Equal("L", item.Metadata["size"]);
    }

    [Theory, MemberData(nameof(Spellings))]
    public void Order_items_are_read_in_every_spelling(Spelling s)
    {
        var json = "[" + Spell.Record(s, ("product_id", Q("p")), ("variant_id", Q("v")), ("quantity", "3"), ("name", Q("n")),
            ("unit_price", "7"), ("asset", Q("USDC"))) + "]";
        var item = Assert.Single(StorageJson.Deserialize<List<OrderItem>?>(json, null)!);
        Assert.Equal(("p", "v", 3, "n", 7L, "USDC"), (item.ProductId, item.VariantId, item.Quantity, item.Name, item.UnitPrice, item.Asset));
        Assert.Empty(item.Metadata);
    }

    [Theory, MemberData(nameof(Spellings))]
    public void Fulfillment_items_and_subscription_configs_are_read_in_every_spelling(Spelling s)
    {
        var items = "[" + Spell.Record(s, ("product_id", Q("p")), ("variant_id", Q("v")), ("quantity", "2")) + "]";
        var item = Assert.Single(StorageJson.Deserialize<FulfillmentItem[]>(items, []));
        Assert.Equal(("p", "v", 2), (item.ProductId, item.VariantId, item.Quantity));

        var config = Spell.Record(s, ("billing_period", Q("year")), ("billing_interval", "2"), ("trial_days", "30"));
        Assert.Equal(new ProductSubscriptionConfig { BillingPeriod = "year", BillingInterval = 2, TrialDays = 30 },
            StorageJson.Deserialize<ProductSubscriptionConfig?>(config, null));
    }

    [Theory]
    [InlineData("resource_id")]
    [InlineData("resourceId")]
    [InlineData("ResourceId")]
    [InlineData("ResourceID")]
    [InlineData("resourceID")]
    [InlineData("RESOURCE_ID")]
    public void Every_spelling_of_a_name_maps_to_the_same_property(string key)
    {
        var item = Assert.Single(StorageJson.Deserialize<CartItem[]>($$"""[{"{{key}}":"r"}]""", []));
        Assert.Equal("r", item.ResourceId);
        Assert.Equal(1, item.Quantity);
    }

    [Fact]
    public void Metadata_values_that_are_not_strings_are_read_as_their_json_text_and_null_as_empty()
    {
        var meta = StorageJson.Metadata("""{"s":"x","n":12.50,"neg":-3,"t":true,"f":false,"o":{"a":[1, "b"]},"a":[],"z":null,"u":"\u00e9"}""");
        Assert.Equal("x", meta["s"]);
        Assert.Equal("12.50", meta["n"]);
        Assert.Equal("-3", meta["neg"]);
        Assert.Equal("true", meta["t"]);
        Assert.Equal("false", meta["f"]);
        Assert.Equal("""{"a":[1, "b"]}""", meta["o"]);
        Assert.Equal("[]", meta["a"]);
        Assert.Equal("", meta["z"]);
        Assert.Equal("é", meta["u"]);
        Assert.Equal(9, meta.Count);
    }

    [Fact]
    public void Null_and_empty_columns_read_as_the_fallback()
    {
        Assert.Empty(StorageJson.Metadata(null));
        Assert.Empty(StorageJson.Metadata("null"));
        Assert.Empty(StorageJson.Metadata("{}"));
        Assert.Null(StorageJson.OptionalMap(null));
        Assert.Null(StorageJson.OptionalMap("null"));
        Assert.Empty(StorageJson.Deserialize<CartItem[]>("null", []));
        Assert.Null(StorageJson.Deserialize<ProductSubscriptionConfig?>("null", null));
        // Go's nil map inside an item.
        Assert.Empty(Assert.Single(StorageJson.Deserialize<CartItem[]>("""[{"ResourceID":"r","Metadata":null}]""", [])).Metadata);
    }

    [Fact]
    public void Numbers_written_as_strings_are_read()
    {
        var item = Assert.Single(StorageJson.Deserialize<CartItem[]>("""[{"resourceId":"r","quantity":"4","price":"9007199254740993"}]""", []));
        Assert.Equal((4, 9_007_199_254_740_993L), (item.Quantity, item.Price));
    }

    [Theory]
    [InlineData("""{"not":"a list"}""")]
    [InlineData("""[{"quantity":2}]""")]
    [InlineData("""[{"resource_id":"r","quantity":"many"}]""")]
    [InlineData("[1, 2]")]
    [InlineData("not json")]
    public void A_column_that_cannot_be_mapped_is_an_internal_error(string json)
    {
        var ex = Assert.Throws<StorageException>(() => StorageJson.Deserialize<CartItem[]>(json, []));
        Assert.Equal(StorageErrorKind.Internal, ex.Kind);
    }

    [Theory]
    [InlineData("[1, 2]")]
    [InlineData("\"text\"")]
    [InlineData("42")]
    public void A_metadata_column_that_is_not_an_object_is_an_internal_error(string json) =>
        Assert.Equal(StorageErrorKind.Internal, Assert.Throws<StorageException>(() => StorageJson.Metadata(json)).Kind);

    [Fact]
    public void Writes_are_one_canonical_snake_case_form()
    {
        var items = new[]
        {
            new OrderItem { ProductId = "p", VariantId = null, Quantity = 2, Name = "n", UnitPrice = 5, Asset = "USDC",
                Metadata = new Dictionary<string, string> { ["SomeKey"] = "v" } },
        };
        Assert.Equal("""[{"product_id":"p","quantity":2,"name":"n","unit_price":5,"asset":"USDC","metadata":{"SomeKey":"v"}}]""",
            StorageJson.Serialize(items));
        Assert.Equal("""{"billing_period":"month","billing_interval":1,"trial_days":0}""", StorageJson.Serialize(new ProductSubscriptionConfig()));

        // What a legacy spelling reads as, written again, is the canonical form.
        var legacy = StorageJson.Deserialize<OrderItem[]>("""[{"ProductID":"p","Quantity":2,"Name":"n","UnitPrice":5,"Asset":"USDC","Metadata":{"SomeKey":"v"}}]""", []);
        Assert.Equal(StorageJson.Serialize(items), StorageJson.Serialize(legacy));
    }

    [Fact]
    public void Canonical_text_round_trips_exactly()
    {
        var cart = Make.Cart(DateTimeOffset.UnixEpoch);
        var json = StorageJson.Serialize(cart.Items);
        Assert.Equal(json, StorageJson.Serialize(StorageJson.Deserialize<CartItem[]>(json, [])));
        var meta = new Dictionary<string, string> { ["a"] = "1", ["é"] = "\"quoted\"", ["nested"] = """{"x":1}""" };
        Assert.Equal(meta, StorageJson.Metadata(StorageJson.Serialize(meta)));
    }
}
