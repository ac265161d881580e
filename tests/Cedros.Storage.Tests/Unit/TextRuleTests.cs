using Cedros.Storage.Validation;

namespace Cedros.Storage.Tests.Unit;

/// <summary>Contract §0 "Text": the anchored patterns and the one well-formedness rule.</summary>
public sealed class TextRuleTests
{
    [Theory]
    [InlineData("acme\n")]
    [InlineData("acme\r\n")]
    [InlineData("\nacme")]
    [InlineData("acme\0")]
    [InlineData("")]
    [InlineData(null)]
    public void Tenant_ids_with_a_trailing_newline_or_ill_formed_text_are_refused(string? tenantId)
    {
        Assert.False(TenantIds.IsValid(tenantId));
        Assert.Equal("tenantId", Assert.Throws<StorageValidationException>(() => TenantIds.Require(tenantId)).Field);
    }

    [Theory]
    [InlineData("SAVE10\n")]
    [InlineData("SAVE10\r\n")]
    [InlineData("SAVE\0")]
    public void Coupon_codes_with_a_trailing_newline_or_ill_formed_text_are_refused(string code) =>
        Assert.Equal("code", Assert.Throws<StorageValidationException>(() => Check.CouponCode(code)).Field);

    [Theory]
    [InlineData("acme")]
    [InlineData("a-b_C9")]
    public void Plain_tenant_ids_pass(string tenantId) => Assert.Equal(tenantId, TenantIds.Require(tenantId));

    // Lone surrogates cannot travel through attribute arguments (they are stored as UTF-8 and become U+FFFD), so the
    // cases below are built in code.
    [Fact]
    public void First_ill_formed_finds_nul_and_lone_surrogates_only()
    {
        (string Text, int Expected)[] cases =
        [
            ("", -1), ("plain", -1), ("pair \U0001F600 ok", -1), ("\uFFFD replacement is fine", -1), ("nul\0", 3), ("\ud800", 0),
            ("x\udc00", 1), ("x\ud800y", 1), ("\udc00\ud800", 0), ("ok\U0001F600\ud83d", 4),
        ];
        foreach (var (text, expected) in cases) Assert.Equal(expected, Check.FirstIllFormed(text));
    }

    [Fact]
    public void Json_payloads_that_postgres_jsonb_refuses_are_Validation()
    {
        string[] payloads =
        [
            "{\"a\":\"x\\u0000\"}", "{\"\\u0000\":1}", "[\"\\ud800\"]", "[\"\\udfff\\ud800\"]", "{\"a\":1,}", "{} {}", "{\"a\":\"\ud800\"}", " ",
            "{\"a\":\"x\0\"}",
        ];
        foreach (var payload in payloads)
            Assert.Equal("payload", Assert.Throws<StorageValidationException>(() => Check.Json(payload, "payload")).Field);
    }

    [Fact]
    public void Lone_surrogates_in_tenant_ids_and_coupon_codes_are_refused()
    {
        Assert.False(TenantIds.IsValid("acme\ud800"));
        Assert.Equal("code", Assert.Throws<StorageValidationException>(() => Check.CouponCode("SAVE\udc00")).Field);
    }

    [Theory]
    [InlineData("{\"a\":\"\\ud83d\\ude00\",\"b\":\"\\u00e9\\n\"}")]
    [InlineData("[1, 2.5e3, true, null, \"x\"]")]
    [InlineData("\"\\uFFFD\"")]
    public void Json_with_well_formed_escapes_passes_unchanged(string payload) => Assert.Same(payload, Check.Json(payload, "payload"));

    [Theory]
    [InlineData(-1)]
    [InlineData(0)]
    public void Durations_must_be_positive(int seconds) =>
        Assert.Equal("ttl", Assert.Throws<StorageValidationException>(() => Check.Ttl(TimeSpan.FromSeconds(seconds), "ttl")).Field);

    [Fact]
    public void Durations_have_an_upper_bound()
    {
        Assert.Equal(Limits.MaxTtl, Check.Ttl(Limits.MaxTtl, "ttl"));
        Assert.Throws<StorageValidationException>(() => Check.Ttl(TimeSpan.MaxValue, "ttl"));
        Assert.Equal(Limits.MaxLeaseTtl, Check.Lease(Limits.MaxLeaseTtl, "lease_ttl"));
        Assert.Throws<StorageValidationException>(() => Check.Lease(Limits.MaxLeaseTtl + TimeSpan.FromTicks(1), "lease_ttl"));
    }

    [Fact]
    public void Utf8_order_is_byte_order()
    {
        string[] words = ["b", "a\U0001F600", "a\uE000", "a", "a\u00E9", "a\uFFFF", "ab", "\U00010000", "\uFFFD"];
        var byBytes = words.OrderBy(w => System.Text.Encoding.UTF8.GetBytes(w), Comparer<byte[]>.Create((x, y) => x.AsSpan().SequenceCompareTo(y))).ToArray();
        Assert.Equal(byBytes, words.Order(Cedros.Storage.Internal.Utf8Order.Instance).ToArray());
        Assert.NotEqual(byBytes, words.Order(StringComparer.Ordinal).ToArray());
    }
}
